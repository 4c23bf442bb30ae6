package soak

import (
	"context"
	"testing"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/automox"
	"github.com/auditkit/auditkit/cisco"
	"github.com/auditkit/auditkit/entrust"
	"github.com/auditkit/auditkit/instavm"
	"github.com/auditkit/auditkit/nprinting"
	"github.com/auditkit/auditkit/tanium"
)

// dataEnd is the time of the newest generated record.
var dataEnd = time.Date(2024, 6, 19, 12, 0, 0, 0, time.UTC)

// fake is what the soak needs of an audittest fake.
type fake interface {
	URL() string
	Stats() audittest.Stats
	SetFaults(audittest.Faults)
	Close()
}

// walker is a vendor client ready to walk its fake: events starts a walk of
// the whole data set, http is the client's transport layer (for Stats).
type walker struct {
	events func(ctx context.Context) auditclient.Iterator
	http   *auditclient.Client
}

// vendor starts a vendor's fake with n generated records and builds its
// client, pointed at baseURL (the fake's URL, or the proxy's in its place)
// with opts. Its walks fetch with concurrency (ListOptions.Concurrency) when
// the vendor fetches in parallel (automox's days, tanium's objects); 0 is
// the vendor's default.
type vendor struct {
	name   string
	start  func(n int) fake
	client func(tb testing.TB, f fake, baseURL string, concurrency int, opts ...auditclient.Option) walker
}

func check(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatalf("NewClient: %v", err)
	}
}

var vendors = []vendor{
	{
		name: "automox",
		start: func(n int) fake {
			return audittest.NewAutomox(audittest.AutomoxOptions{Events: audittest.GenerateAutomoxEvents(n, 42, dataEnd)})
		},
		client: func(tb testing.TB, f fake, base string, concurrency int, opts ...auditclient.Option) walker {
			a := f.(*audittest.Automox)
			c, err := automox.NewClient(a.APIKey(), a.OrgUUID(), append(opts, auditclient.WithBaseURL(base))...)
			check(tb, err)
			lo := &automox.ListOptions{Since: dataEnd.AddDate(0, 0, -90), Until: dataEnd.AddDate(0, 0, 1), PageSize: 100, Concurrency: concurrency}
			return walker{func(ctx context.Context) auditclient.Iterator { return c.Events(ctx, lo, nil) }, c.HTTP()}
		},
	},
	{
		name: "cisco",
		start: func(n int) fake {
			return audittest.NewCisco(audittest.CiscoOptions{Events: audittest.GenerateCiscoEvents(n, 42, dataEnd)})
		},
		client: func(tb testing.TB, f fake, base string, concurrency int, opts ...auditclient.Option) walker {
			a := f.(*audittest.Cisco)
			c, err := cisco.NewClient(a.ClientID(), a.APIKey(), append(opts, auditclient.WithBaseURL(base))...)
			check(tb, err)
			return walker{func(ctx context.Context) auditclient.Iterator {
				return c.Events(ctx, &cisco.ListOptions{PageSize: 100}, nil)
			}, c.HTTP()}
		},
	},
	{
		name: "entrust",
		start: func(n int) fake {
			return audittest.NewEntrust(audittest.EntrustOptions{Events: audittest.GenerateEntrustEvents(n, 42, dataEnd)})
		},
		client: func(tb testing.TB, f fake, base string, concurrency int, opts ...auditclient.Option) walker {
			a := f.(*audittest.Entrust)
			c, err := entrust.NewClient(base, a.ApplicationID(), a.SharedSecret(), opts...)
			check(tb, err)
			return walker{func(ctx context.Context) auditclient.Iterator {
				return c.Events(ctx, &entrust.ListOptions{PageSize: 100}, nil)
			}, c.HTTP()}
		},
	},
	{
		name: "instavm",
		start: func(n int) fake {
			return audittest.NewInstavm(audittest.InstavmOptions{Events: audittest.GenerateInstavmEvents(n, 42, dataEnd)})
		},
		client: func(tb testing.TB, f fake, base string, concurrency int, opts ...auditclient.Option) walker {
			a := f.(*audittest.Instavm)
			c, err := instavm.NewClient(a.APIKey(), append(opts, auditclient.WithBaseURL(base))...)
			check(tb, err)
			return walker{func(ctx context.Context) auditclient.Iterator {
				return c.Events(ctx, &instavm.ListOptions{PageSize: 100}, nil)
			}, c.HTTP()}
		},
	},
	{
		name: "nprinting",
		start: func(n int) fake {
			return audittest.NewNPrinting(audittest.NPrintingOptions{Events: audittest.GenerateNPrintingEvents(n, 42, dataEnd)})
		},
		client: func(tb testing.TB, f fake, base string, concurrency int, opts ...auditclient.Option) walker {
			a := f.(*audittest.NPrinting)
			c, err := nprinting.NewClient(base, a.Token(), opts...)
			check(tb, err)
			return walker{func(ctx context.Context) auditclient.Iterator {
				return c.Events(ctx, &nprinting.ListOptions{PageSize: 100}, nil)
			}, c.HTTP()}
		},
	},
	{
		name: "tanium",
		start: func(n int) fake {
			return audittest.NewTanium(audittest.TaniumOptions{Events: audittest.GenerateTaniumEvents(n, 42, dataEnd)})
		},
		client: func(tb testing.TB, f fake, base string, concurrency int, opts ...auditclient.Option) walker {
			a := f.(*audittest.Tanium)
			objs, err := tanium.ParseObjects(a.ObjectList())
			if err != nil {
				tb.Fatal(err)
			}
			c, err := tanium.NewClient(base, a.APIToken(), opts...)
			check(tb, err)
			return walker{func(ctx context.Context) auditclient.Iterator {
				return c.Events(ctx, &tanium.ListOptions{Objects: objs, PageSize: 100, Concurrency: concurrency}, nil)
			}, c.HTTP()}
		},
	},
}
