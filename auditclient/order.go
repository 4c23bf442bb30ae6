package auditclient

import "fmt"

// Order is the order in which a walk yields records: by time, oldest first
// or newest first. Each vendor package says which orders its API can serve
// (see its ListOptions.Order); asking for one it cannot serve is an
// *OptionError before any request. Where an API serves only one order, the
// walk does not buffer a whole window to reverse it.
type Order int

const (
	// NaturalOrder is the zero value: the order the vendor's API sends
	// records in (each package documents it).
	NaturalOrder Order = iota
	// OldestFirst yields the oldest record first.
	OldestFirst
	// NewestFirst yields the newest record first.
	NewestFirst
)

// String returns "natural", "oldest-first" or "newest-first".
func (o Order) String() string {
	switch o {
	case NaturalOrder:
		return "natural"
	case OldestFirst:
		return "oldest-first"
	case NewestFirst:
		return "newest-first"
	}
	return fmt.Sprintf("Order(%d)", int(o))
}

// ParseOrder is the inverse of String; "" is NaturalOrder.
func ParseOrder(s string) (Order, error) {
	switch s {
	case "", "natural":
		return NaturalOrder, nil
	case "oldest-first", "oldest":
		return OldestFirst, nil
	case "newest-first", "newest":
		return NewestFirst, nil
	}
	return NaturalOrder, fmt.Errorf("order %q: want oldest-first, newest-first or natural", s)
}

// Resolve returns o, or natural when o is NaturalOrder: the order a walk
// of an API whose natural order is natural will yield.
func (o Order) Resolve(natural Order) Order {
	if o == NaturalOrder {
		return natural
	}
	return o
}
