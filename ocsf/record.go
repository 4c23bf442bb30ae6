package ocsf

import (
	"encoding/json"
	"time"
)

// Header is what an event says about the record it was mapped from: the
// product that logged it, the record's identity and code, the log it came
// from, its time as sent, and the record itself. A mapping fills one in per
// record and starts its event from it with [Header.New] (or sets it on an
// event built otherwise with [Header.Apply]):
//
//	ev := ocsf.Header{
//		Product: ocsf.Product{Name: "Console", VendorName: "Example"},
//		UID:     rec.ID, EventCode: rec.Action, LogName: "audit",
//		OriginalTime: rec.TimeText, Raw: ocsf.RawRecord(rec.Raw, rec.MarshalJSON),
//	}.New(class, activity, rec.Action, rec.Time)
type Header struct {
	Product      Product // metadata.product
	UID          string  // metadata.uid: the record's identity
	EventCode    string  // metadata.event_code: the source's name of the event
	LogName      string  // metadata.log_name: the log or endpoint the record came from
	OriginalTime string  // metadata.original_time: the record's time as sent
	Raw          []byte  // raw_data: the record as sent (see RawRecord)
}

// Apply sets ev's metadata.product, uid, event_code, log_name and
// original_time, and its raw_data, to h's: an empty field of h empties the
// event's. The rest of ev's metadata (version, profiles, tenant_uid...) is
// left as it is.
func (h Header) Apply(ev *Event) {
	ev.Metadata.Product = h.Product
	ev.Metadata.UID = h.UID
	ev.Metadata.EventCode = h.EventCode
	ev.Metadata.LogName = h.LogName
	ev.Metadata.OriginalTime = h.OriginalTime
	ev.RawData = string(h.Raw)
}

// New starts the event of h's record: an event of class and activity at
// t, as [New] makes it, with h applied ([Header.Apply]) and, when the
// activity is Other, label as its activity_name ([Event.LabelOther]).
func (h Header) New(class ClassUID, activity ActivityID, label string, t time.Time) Event {
	ev := New(class, activity, t)
	ev.LabelOther(label)
	h.Apply(&ev)
	return ev
}

// RawRecord is the raw data of a record: raw, the record as sent, when there
// is one; else (a record built in code rather than received) the JSON that
// marshal (the record's MarshalJSON) writes; nil when marshal fails.
func RawRecord(raw []byte, marshal func() ([]byte, error)) []byte {
	if len(raw) > 0 {
		return raw
	}
	b, err := marshal()
	if err != nil {
		return nil
	}
	return b
}

// LabelOther sets e.ActivityLabel, the activity_name written for
// [ActivityOther], to label when e's activity is Other; the name of any
// other activity is its caption, and e is left as it is.
func (e *Event) LabelOther(label string) {
	if e.Activity == ActivityOther {
		e.ActivityLabel = label
	}
}

// Unmapped builds an event's unmapped object: the fields of a record that
// have no OCSF attribute, under their own names. Make one with
// ocsf.Unmapped{} (a nil Unmapped cannot be written to), fill it, and set
// it on the event with [Unmapped.Apply].
type Unmapped map[string]any

// Put puts v under name.
func (u Unmapped) Put(name string, v any) {
	u[name] = v
}

// PutNonEmpty puts the string v under name unless v is empty.
func (u Unmapped) PutNonEmpty(name, v string) {
	if v != "" {
		u[name] = v
	}
}

// PutExtra puts each member of extra (a record's members beyond the ones
// its mapping reads) under its own name, decoded as [json.Unmarshal]
// decodes into an any (numbers become float64, null nil); a member that is
// not JSON is kept as its text.
func (u Unmapped) PutExtra(extra map[string]json.RawMessage) {
	for k, raw := range extra {
		var v any
		if json.Unmarshal(raw, &v) != nil {
			v = string(raw)
		}
		u[k] = v
	}
}

// Apply sets ev.Unmapped to u, or to nil when u is empty (an event with
// nothing unmapped has no unmapped object).
func (u Unmapped) Apply(ev *Event) {
	if len(u) > 0 {
		ev.Unmapped = u
	} else {
		ev.Unmapped = nil
	}
}
