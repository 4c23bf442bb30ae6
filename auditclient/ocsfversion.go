package auditclient

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/auditkit/auditkit/ocsf"
)

// WithOCSFVersion sets the OCSF version of the events the client's walks
// yield: ocsf.V1_1_0 (the default, which Amazon Security Lake accepts) or
// ocsf.V1_8_0. Every event an Iterator yields from records this client
// fetched is then in version v (ocsf.Event.SetVersion): its
// metadata.version says so, and it is written and validated as v defines
// it. A version ocsf.Versions does not list is a *ConfigError from the
// vendor's NewClient.
//
// Events made without a walk (a vendor's ToOCSF) are in ocsf.DefaultVersion;
// call SetVersion on them.
func WithOCSFVersion(v ocsf.Version) Option { return func(c *Config) { c.OCSFVersion = v } }

// OCSFVersion returns the OCSF version of the events of the client's walks
// (see WithOCSFVersion).
func (c *Client) OCSFVersion() ocsf.Version {
	if c.ocsfVersion == "" {
		return ocsf.DefaultVersion
	}
	return c.ocsfVersion
}

// checkOCSFVersion returns a *ConfigError for a version the ocsf package
// does not write.
func checkOCSFVersion(vendor string, v ocsf.Version) error {
	if v == "" {
		return nil
	}
	if _, err := ocsf.ParseVersion(v); err != nil {
		return &ConfigError{Vendor: vendor, Option: "OCSFVersion (WithOCSFVersion)", Value: strconv.Quote(v),
			Reason: "must be one of " + strings.Join(ocsf.Versions(), ", ")}
	}
	return nil
}

// How a walk learns its version: NewIterator puts a versionSlot in the
// context it gives the vendor's pagers, and the Client that fetches a page
// (Do) writes its version into it. The events mapped from that page's
// records are then set to it. A walk whose pages came through no Client
// (a test's fake pager) keeps the events as the mapping made them.
type versionSlot struct{ v atomic.Pointer[ocsf.Version] }

type versionSlotKey struct{}

// withVersionSlot returns ctx with a fresh versionSlot.
func withVersionSlot(ctx context.Context) context.Context {
	return context.WithValue(ctx, versionSlotKey{}, &versionSlot{})
}

// noteOCSFVersion records the client's version in ctx's versionSlot, if
// it has one.
func (c *Client) noteOCSFVersion(ctx context.Context) {
	if c.ocsfVersion == "" {
		return
	}
	if s, ok := ctx.Value(versionSlotKey{}).(*versionSlot); ok && s.v.Load() == nil {
		v := c.ocsfVersion
		s.v.Store(&v)
	}
}

// applyOCSFVersion sets ev to the version recorded in ctx's versionSlot.
func applyOCSFVersion(ctx context.Context, ev *ocsf.Event) {
	s, ok := ctx.Value(versionSlotKey{}).(*versionSlot)
	if !ok {
		return
	}
	if v := s.v.Load(); v != nil && *v != ev.Metadata.Version {
		_ = ev.SetVersion(*v) // checked by New
	}
}
