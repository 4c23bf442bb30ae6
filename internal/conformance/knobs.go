package conformance

import (
	"strings"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/ocsf"
	"github.com/auditkit/auditkit/vendors"
)

// knobs are the vendors' own knobs: where a vendor truly differs from the
// rest, and why. Run applies them before the caller's options.
var knobs = map[string][]Option{
	// Times to the millisecond, or microsecond.
	"entrust": {Resolution(time.Millisecond)},
	"instavm": {Resolution(time.Microsecond)},
	// NPrinting fetches 8 offsets at once: a data set of 40 pages, so that
	// a walk cancelled on its second page has not already asked for all.
	"nprinting": {Resolution(time.Millisecond), Records(inFlightRecords)},
	// Automox reads the window day by day: a request for every UTC day of
	// the window besides the pages. Its query is the organization (its
	// filters are walk-driven or exclude a window).
	"automox": {
		Resolution(time.Millisecond),
		Records(inFlightRecords), // 8 days at once, each two pages ahead

		Span(automoxDays * 24 * time.Hour),
		Requests(func(records, pageSize, _ int) (int, int) {
			pages := (records + pageSize - 1) / pageSize
			return pages, pages + automoxDays + 2
		}),
		OtherQuery(func(cfg *vendors.Config) { cfg.Settings["org_uuid"] = "00000000-0000-4000-8000-000000000000" }),
	},
	// Tanium reads one object's history after another, each newest first
	// (the page size is the first history size asked for; a history that
	// may reach further back is read again deeper): records are in order
	// within their object only, and a walk takes a request per object and
	// a few more. Its query is the list of objects.
	"tanium": {
		OrderWithin(auditclient.NewestFirst, taniumObject),
		Requests(func(records, pageSize, groups int) (int, int) {
			return groups, groups + 2*records/pageSize
		}),
		OtherQuery(func(cfg *vendors.Config) {
			objs := strings.Split(cfg.Settings["objects"], ",")
			cfg.Settings["objects"] = strings.Join(objs[1:], ",")
		}),
	},
}

// inFlightRecords is the data set of the vendors that fetch several pages
// at once (8 by default): 40 pages of 20, several times what is in flight,
// so that the cancelled walk of testCancel stops short of the whole walk.
const inFlightRecords = 800

// automoxDays is the span of Automox's walks, in days: each is a request
// at least.
const automoxDays = 7

// taniumObject names the Tanium object an event is of: its entity (Entity
// Management), its group (a user group created or deleted: Group
// Management) or its user (Account Change, User Access Management).
func taniumObject(ev ocsf.Event) string {
	if ev.Entity != nil {
		return ev.Entity.Type + ":" + ev.Entity.UID
	}
	if ev.Group != nil {
		return "user_group:" + ev.Group.UID
	}
	if ev.User != nil {
		return "user:" + ev.User.UID
	}
	return "?"
}

// variants are further runs of a vendor's suite, by vendor and a name:
// endpoints or modes a filter selects.
var variants = map[string]map[string][]Option{
	// siem=true reads Entrust's SIEM endpoint, which lists oldest first
	// only.
	"entrust": {"siem": {Filters(vendors.Param{Name: "siem", Value: "true"}), Orders()}},
}
