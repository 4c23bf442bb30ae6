package jsonshape

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	"github.com/auditkit/auditkit/internal/jsonscan"
)

// ObjectErr returns the error of a scan of a record's members (data) with
// jsonscan.Members or jsonscan.RawMembers: jsonscan.ErrSyntax, the record
// not being a JSON object, is a *auditclient.PathError at "$", "<what> is
// not a JSON object: <data>", data cut after clip bytes (jsonscan.ClipN);
// any other error, and nil, is returned as it is.
func ObjectErr(err error, what string, data []byte, clip int) error {
	if errors.Is(err, jsonscan.ErrSyntax) {
		return Errorf("$", "%s is not a JSON object: %s", what, jsonscan.ClipN(data, clip))
	}
	return err
}

// RequiredTime is a record's required time member: where it lies, how it
// is read, and the messages of its errors.
type RequiredTime struct {
	// Path is the member's JSON path, such as "$.eventTime".
	Path string
	// Parse reads the member's string.
	Parse func(string) (time.Time, error)
	// Missing is the message when the member is absent, null or "": a
	// format given the record's id (as in "audit event %s has no
	// eventTime").
	Missing string
	// Bad is the message when Parse refuses the member: a format given the
	// record's id and the member as sent.
	Bad string
}

// Read returns the time the member sent as s reads as; an s that is "" or
// that Parse refuses is a *auditclient.PathError at Path, worded by Missing
// or Bad with id (the record's id, for the message).
func (r RequiredTime) Read(s, id string) (time.Time, error) {
	if s == "" {
		return time.Time{}, Errorf(r.Path, r.Missing, id)
	}
	t, err := r.Parse(s)
	if err != nil {
		return time.Time{}, Errorf(r.Path, r.Bad, id, s)
	}
	return t, nil
}

// KeepExtra keeps val, a member of a record that its document does not
// list, in *extra under key, making the map on first use: a record's
// Extra, so that nothing the vendor sends is lost. val is kept, not
// copied.
func KeepExtra(extra *map[string]json.RawMessage, key string, val []byte) {
	if *extra == nil {
		*extra = make(map[string]json.RawMessage)
	}
	(*extra)[key] = val
}

// MarshalObject marshals the members of a record built in code: m, the
// documented members by name, with the members of extra (those the
// document does not list, as sent) added, winning over m's of the same
// name. It changes m.
func MarshalObject(m map[string]any, extra map[string]json.RawMessage) ([]byte, error) {
	for k, v := range extra {
		m[k] = v
	}
	return json.Marshal(m)
}

// Digest returns the first 16 bytes of the SHA-256 of b, in hex (32
// digits): the uid of a record that has none of its own, derived from its
// content.
func Digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// DigestJSON returns "sha256:" and the Digest of the JSON raw with its
// insignificant space removed (of raw as it is, when it is not valid
// JSON), so that a record's uid does not depend on how it was indented.
func DigestJSON(raw []byte) string {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		b.Reset()
		b.Write(raw)
	}
	return "sha256:" + Digest(b.Bytes())
}
