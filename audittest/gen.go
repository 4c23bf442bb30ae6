package audittest

import (
	"encoding/hex"
	"math/rand/v2"
	"time"
)

// The data set generators share the parts below: each runs a clock forward
// from 0 in its vendor's time unit, draws actions of weighted kinds, and at
// the end maps its clock onto the requested end time.

// genRec is one record of a generated history: its time on the generator's
// clock (units since the first record) and the record, whose time member is
// filled in when the history is shifted to its end time.
type genRec struct {
	rel int64
	obj object
}

// genKind is one kind of action of a generator and how often it happens
// relative to the others: make produces its records.
type genKind[F any] struct {
	weight int
	make   F
}

// pickKind draws one kind of kinds, each with probability weight/total,
// from a single number of rng.
func pickKind[F any](rng *rand.Rand, kinds []genKind[F]) F {
	total := 0
	for _, k := range kinds {
		total += k.weight
	}
	x := rng.IntN(total)
	for _, k := range kinds[:len(kinds)-1] {
		if x < k.weight {
			return k.make
		}
		x -= k.weight
	}
	return kinds[len(kinds)-1].make
}

// appendRecs appends the records of one action made at rel, at most room of
// them (an action cut short at the end of the set).
func appendRecs(recs []genRec, rel int64, objs []object, room int) []genRec {
	if len(objs) > room {
		objs = objs[:room]
	}
	for _, o := range objs {
		recs = append(recs, genRec{rel: rel, obj: o})
	}
	return recs
}

// timeline maps a generator's clock, in units of unit, onto real time: the
// clock's last reading falls on end, truncated to unit.
func timeline(end time.Time, unit time.Duration, last int64) func(rel int64) time.Time {
	end = end.UTC().Truncate(unit)
	return func(rel int64) time.Time { return end.Add(-time.Duration(last-rel) * unit) }
}

// formatUUID4 marks b as a random (version 4, RFC 4122 variant) UUID and
// returns it in canonical form, such as
// "e773a9eb-296c-40df-98d8-bed46322589d".
func formatUUID4(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
