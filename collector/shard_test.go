package collector

import (
	"fmt"
	"strings"
	"testing"
)

func TestShardOfAssignsEverySourceToOneShard(t *testing.T) {
	const sources = 1000
	for _, n := range []int{1, 2, 3, 4, 5, 8} {
		counts := make([]int, n)
		for s := 0; s < sources; s++ {
			name := fmt.Sprintf("tenant-%d-cisco", s)
			got := ShardOf(name, n)
			if got < 0 || got >= n {
				t.Fatalf("ShardOf(%q, %d) = %d, out of range", name, n, got)
			}
			if again := ShardOf(name, n); again != got {
				t.Fatalf("ShardOf(%q, %d) = %d then %d", name, n, got, again)
			}
			counts[got]++
		}
		// Each shard gets its share within a wide binomial margin.
		want := sources / n
		for i, c := range counts {
			if n > 1 && (c < want*7/10 || c > want*13/10) {
				t.Errorf("n=%d: shard %d has %d of %d sources, want about %d", n, i, c, sources, want)
			}
		}
	}
}

func TestShardOfMovesAboutOneNth(t *testing.T) {
	const sources = 1000
	moved := 0
	for s := 0; s < sources; s++ {
		name := fmt.Sprintf("src-%04d", s)
		from, to := ShardOf(name, 4), ShardOf(name, 5)
		if from != to {
			moved++
			if to != 4 {
				t.Errorf("%s moved from shard %d to %d: only moves to the new shard 4 are expected", name, from, to)
			}
		}
	}
	// Expected 200 (1/5); a binomial σ is about 13.
	if moved < 150 || moved > 250 {
		t.Errorf("going from 4 to 5 shards moved %d of %d sources, want about 200", moved, sources)
	}
}

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in      string
		i, n    int
		errPart string
	}{
		{in: "0/1", i: 0, n: 1},
		{in: "2/5", i: 2, n: 5},
		{in: " 4/5 ", i: 4, n: 5},
		{in: "5/5", errPart: "from 0 to 4"},
		{in: "-1/5", errPart: "from 0 to 4"},
		{in: "1/0", errPart: "at least 1"},
		{in: "3", errPart: "want I/N"},
		{in: "a/b", errPart: "whole numbers"},
		{in: "", errPart: "want I/N"},
	} {
		i, n, err := ParseShard(tc.in)
		if tc.errPart != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errPart) {
				t.Errorf("ParseShard(%q) = %d, %d, %v; want an error with %q", tc.in, i, n, err, tc.errPart)
			}
			continue
		}
		if err != nil || i != tc.i || n != tc.n {
			t.Errorf("ParseShard(%q) = %d, %d, %v; want %d, %d", tc.in, i, n, err, tc.i, tc.n)
		}
	}
}

func TestShardFromEnv(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		i, n    int
		ok      bool
		errPart string
	}{
		{name: "nothing", env: map[string]string{}},
		{name: "hostname alone does not shard", env: map[string]string{"HOSTNAME": "auditkit-collect-2"}},
		{name: "explicit", env: map[string]string{"AUDITKIT_SHARD": "1/3", "HOSTNAME": "x-2", "AUDITKIT_SHARDS": "9"}, i: 1, n: 3, ok: true},
		{name: "explicit wins over job", env: map[string]string{"AUDITKIT_SHARD": "0/2", "JOB_COMPLETION_INDEX": "1", "AUDITKIT_SHARDS": "2"}, i: 0, n: 2, ok: true},
		{name: "bad explicit", env: map[string]string{"AUDITKIT_SHARD": "3/3"}, errPart: "AUDITKIT_SHARD: collector: shard \"3/3\""},
		{name: "job", env: map[string]string{"JOB_COMPLETION_INDEX": "3", "AUDITKIT_SHARDS": "4", "HOSTNAME": "job-abcde"}, i: 3, n: 4, ok: true},
		{name: "job without shards", env: map[string]string{"JOB_COMPLETION_INDEX": "3"}, errPart: "AUDITKIT_SHARDS is not"},
		{name: "job out of range", env: map[string]string{"JOB_COMPLETION_INDEX": "4", "AUDITKIT_SHARDS": "4"}, errPart: "from 0 to 3"},
		{name: "statefulset", env: map[string]string{"HOSTNAME": "auditkit-collect-3", "AUDITKIT_SHARDS": "5"}, i: 3, n: 5, ok: true},
		{name: "statefulset ordinal 0", env: map[string]string{"HOSTNAME": "a-b-0", "AUDITKIT_SHARDS": "2"}, i: 0, n: 2, ok: true},
		{name: "hostname without ordinal", env: map[string]string{"HOSTNAME": "laptop", "AUDITKIT_SHARDS": "2"}, errPart: "no StatefulSet ordinal"},
		{name: "hostname with a non-number", env: map[string]string{"HOSTNAME": "pod-abcde", "AUDITKIT_SHARDS": "2"}, errPart: "not a whole number"},
		{name: "shards without index", env: map[string]string{"AUDITKIT_SHARDS": "2"}, errPart: "neither"},
		{name: "bad shards", env: map[string]string{"AUDITKIT_SHARDS": "two", "HOSTNAME": "a-1"}, errPart: "want the number of replicas"},
		{name: "zero shards", env: map[string]string{"AUDITKIT_SHARDS": "0", "HOSTNAME": "a-0"}, errPart: "at least 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			i, n, ok, err := ShardFromEnv(func(k string) string { return tc.env[k] })
			if tc.errPart != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errPart) || ok {
					t.Fatalf("= %d, %d, %v, %v; want an error with %q", i, n, ok, err, tc.errPart)
				}
				return
			}
			if err != nil || i != tc.i || n != tc.n || ok != tc.ok {
				t.Fatalf("= %d, %d, %v, %v; want %d, %d, %v", i, n, ok, err, tc.i, tc.n, tc.ok)
			}
		})
	}
}

func ExampleShardOf() {
	// Three replicas each run with their own index and collect only the
	// sources ShardOf gives them.
	for _, source := range []string{"acme-cisco", "acme-tanium", "globex-automox"} {
		fmt.Println(source, "→ shard", ShardOf(source, 3))
	}
	// Output:
	// acme-cisco → shard 2
	// acme-tanium → shard 0
	// globex-automox → shard 1
}

func ExampleParseShard() {
	i, n, err := ParseShard("2/5")
	fmt.Println(i, n, err)
	_, _, err = ParseShard("5/5")
	fmt.Println(err)
	// Output:
	// 2 5 <nil>
	// collector: shard "5/5": the shard index must be from 0 to 4 (it counts from 0), not 5
}

func ExampleShardFromEnv() {
	// The environment of the second pod of a StatefulSet of three.
	env := map[string]string{"HOSTNAME": "auditkit-collect-1", "AUDITKIT_SHARDS": "3"}
	i, n, ok, err := ShardFromEnv(func(k string) string { return env[k] })
	fmt.Println(i, n, ok, err)
	// Output: 1 3 true <nil>
}

func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"0/1", "2/5", "5/5", "-1/3", "1/0", "a/b", "", "/", "99999999999999999999/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		i, n, err := ParseShard(s)
		if err == nil && (n < 1 || i < 0 || i >= n) {
			t.Fatalf("ParseShard(%q) = %d, %d without an error", s, i, n)
		}
		if err == nil {
			if got := ShardOf(s, n); got < 0 || got >= n {
				t.Fatalf("ShardOf(%q, %d) = %d", s, n, got)
			}
		}
	})
}
