package pagination_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/auditkit/auditkit/pagination"
)

// A server that returns a token for the next page with every page.
func ExampleNextToken() {
	pages := map[string]struct {
		events []string
		next   string
	}{
		"":   {[]string{"login", "logout"}, "p2"},
		"p2": {[]string{"role.grant"}, "p3"},
		"p3": {[]string{"key.rotate"}, ""},
	}
	fetch := func(ctx context.Context, token string) ([]string, string, error) {
		// A real fetch sends ?page_token=token and decodes the response.
		p := pages[token]
		return p.events, p.next, nil
	}

	ctx := context.Background()
	p := pagination.NextToken(ctx, fetch, pagination.Options{})
	defer p.Close()
	for p.More() {
		page, err := p.NextPage(ctx)
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		// Save page.Token to resume from this page after a restart.
		fmt.Printf("page %d (token %q): %s\n", page.Number, page.Token, strings.Join(page.Items, ", "))
	}
	// Output:
	// page 0 (token ""): login, logout
	// page 1 (token "p2"): role.grant
	// page 2 (token "p3"): key.rotate
}

// An offset/limit API that reports the total: once the first page has told
// it, the other pages are fetched several at once, and still come in order.
func ExampleOffset() {
	records := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}
	fetch := func(ctx context.Context, offset, limit int) ([]string, int, error) {
		end := min(offset+limit, len(records))
		if offset >= end {
			return nil, len(records), nil
		}
		return records[offset:end], len(records), nil
	}

	ctx := context.Background()
	p := pagination.Offset(ctx, fetch, 4, pagination.Options{Concurrency: 3})
	defer p.Close()
	for p.More() {
		page, err := p.NextPage(ctx)
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Printf("offset %s: %v\n", page.Token, page.Items)
	}

	// Resume from a saved token.
	r := pagination.Offset(ctx, fetch, 4, pagination.Options{Start: "8"})
	defer r.Close()
	for item, err := range r.All() {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Println("resumed:", item)
	}
	// Output:
	// offset 0: [a b c d]
	// offset 4: [e f g h]
	// offset 8: [i j]
	// resumed: i
	// resumed: j
}

// All walks item by item; breaking out of the loop stops the walk and waits
// for the fetches in flight to end.
func ExamplePager_All() {
	type event struct {
		ID   int
		Kind string
	}
	db := []event{{1, "login"}, {2, "logout"}, {3, "login"}, {4, "mfa"}, {5, "login"}}
	// Keyset: "up to limit events after cursor", cursor = ID of the last one.
	fetch := func(ctx context.Context, cursor string) ([]event, error) {
		var after int
		fmt.Sscan(cursor, &after)
		var out []event
		for _, e := range db {
			if e.ID > after && len(out) < 2 {
				out = append(out, e)
			}
		}
		return out, nil
	}
	key := func(e event) string { return fmt.Sprint(e.ID) }

	p := pagination.Keyset(context.Background(), fetch, key, 2, pagination.Options{})
	for e, err := range p.All() {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Println(e.ID, e.Kind)
		if e.Kind == "mfa" {
			break
		}
	}
	fmt.Println("more:", p.More())
	// Output:
	// 1 login
	// 2 logout
	// 3 login
	// 4 mfa
	// more: false
}
