package mapping_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestStats prints, for NDJSON files of OCSF events (one per vendor, e.g.
// the output of "auditkit pull VENDOR --demo --quiet > DIR/VENDOR.ndjson"),
// the figures of issue 10: the share of events with observables, with an
// src_endpoint or an IP observable among those whose source record carries
// an IP address, with an actor, with a status_id, and the count by class
// and activity. It runs only when AUDITKIT_MAPPING_STATS names the folder:
//
//	AUDITKIT_MAPPING_STATS=/tmp/demo go test ./internal/mapping -run TestStats -v
func TestStats(t *testing.T) {
	dir := os.Getenv("AUDITKIT_MAPPING_STATS")
	if dir == "" {
		t.Skip("set AUDITKIT_MAPPING_STATS to a folder of VENDOR.ndjson files")
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.ndjson"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .ndjson files in %s (%v)", dir, err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n| vendor | events | observables | src IP kept (of records with an IP) | actor | actor or 3002 user | status_id |\n|---|---|---|---|---|---|---|\n")
	var counts strings.Builder
	for _, f := range files {
		s, err := statsOf(f)
		if err != nil {
			t.Fatal(err)
		}
		v := strings.TrimSuffix(filepath.Base(f), ".ndjson")
		pct := func(n, of int) string {
			if of == 0 {
				return "-"
			}
			return fmt.Sprintf("%.1f%% (%d/%d)", 100*float64(n)/float64(of), n, of)
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %s |\n", v, s.n, pct(s.obs, s.n),
			pct(s.ipKept, s.withIP), pct(s.actor, s.n), pct(s.who, s.n), pct(s.status, s.n))
		fmt.Fprintf(&counts, "%s:", v)
		keys := make([]string, 0, len(s.byClass))
		for k := range s.byClass {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&counts, " %s=%d", k, s.byClass[k])
		}
		counts.WriteString("\n")
	}
	t.Log(b.String() + "\n" + counts.String())
}

type stats struct {
	n, obs, withIP, ipKept, actor, who, status int
	byClass                                    map[string]int
}

func statsOf(path string) (stats, error) {
	s := stats{byClass: map[string]int{}}
	f, err := os.Open(path)
	if err != nil {
		return s, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var ev struct {
			ClassUID    int             `json:"class_uid"`
			ActivityID  int             `json:"activity_id"`
			StatusID    int             `json:"status_id"`
			Actor       json.RawMessage `json:"actor"`
			User        json.RawMessage `json:"user"`
			SrcEndpoint *struct {
				IP string `json:"ip"`
			} `json:"src_endpoint"`
			Observables []struct {
				TypeID int `json:"type_id"`
			} `json:"observables"`
			RawData string `json:"raw_data"`
		}
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			return s, fmt.Errorf("%s: %w", path, err)
		}
		s.n++
		s.byClass[fmt.Sprintf("%d/%d", ev.ClassUID, ev.ActivityID)]++
		if len(ev.Observables) > 0 {
			s.obs++
		}
		if len(ev.Actor) > 0 && string(ev.Actor) != "null" {
			s.actor++
			s.who++
		} else if ev.ClassUID == 3002 && len(ev.User) > 0 && string(ev.User) != "null" {
			s.who++
		}
		if ev.StatusID != 0 {
			s.status++
		}
		if rawHasIP(ev.RawData) {
			s.withIP++
			kept := ev.SrcEndpoint != nil && ev.SrcEndpoint.IP != ""
			for _, o := range ev.Observables {
				kept = kept || o.TypeID == 2 // IP Address
			}
			if kept {
				s.ipKept++
			}
		}
	}
	return s, sc.Err()
}

// rawHasIP reports whether any string in the JSON record is an IP address.
func rawHasIP(raw string) bool {
	var v any
	if json.Unmarshal([]byte(raw), &v) != nil {
		return false
	}
	var walk func(any) bool
	walk = func(v any) bool {
		switch x := v.(type) {
		case string:
			_, err := netip.ParseAddr(x)
			return err == nil
		case map[string]any:
			for _, y := range x {
				if walk(y) {
					return true
				}
			}
		case []any:
			for _, y := range x {
				if walk(y) {
					return true
				}
			}
		}
		return false
	}
	return walk(v)
}
