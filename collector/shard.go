package collector

import (
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// ShardOf returns the shard, 0 ≤ shard < n, that collects the source, by
// rendezvous (highest random weight) hashing: every shard scores the
// source and the highest score wins. Every replica computes the same
// answer from the source's name alone, with no coordination, and when n
// changes only the sources whose winner changed move: going from n to n+1
// shards moves about 1/(n+1) of them, all to the new shard. n ≤ 1 means
// one shard: the result is 0.
func ShardOf(source string, n int) int {
	if n <= 1 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(source))
	base := h.Sum64()
	best, bestScore := 0, uint64(0)
	for i := 0; i < n; i++ {
		s := mix64(base ^ mix64(uint64(i)+0x9e3779b97f4a7c15))
		if i == 0 || s > bestScore {
			best, bestScore = i, s
		}
	}
	return best
}

// mix64 is splitmix64's finalizer: it spreads FNV's weakly mixed bits so
// that the per-shard scores are independent.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// ParseShard parses a shard given as "I/N": this replica's index I,
// counted from 0 like Kubernetes' Job completion indexes and StatefulSet
// ordinals, out of N replicas (0 ≤ I < N).
func ParseShard(s string) (i, n int, err error) {
	is, ns, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return 0, 0, fmt.Errorf("collector: shard %q: want I/N, such as 0/3 (I counts from 0)", s)
	}
	i, err1 := strconv.Atoi(is)
	n, err2 := strconv.Atoi(ns)
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("collector: shard %q: want I/N with whole numbers, such as 0/3", s)
	}
	if err := checkShard(i, n); err != nil {
		return 0, 0, fmt.Errorf("collector: shard %q: %w", s, err)
	}
	return i, n, nil
}

func checkShard(i, n int) error {
	if n < 1 {
		return fmt.Errorf("the number of shards must be at least 1, not %d", n)
	}
	if i < 0 || i >= n {
		return fmt.Errorf("the shard index must be from 0 to %d (it counts from 0), not %d", n-1, i)
	}
	return nil
}

// Environment variables ShardFromEnv reads.
const (
	// EnvShard is "I/N", as ParseShard reads it.
	EnvShard = "AUDITKIT_SHARD"
	// EnvShards is N, the number of replicas, when the index comes from
	// EnvJobIndex or the StatefulSet ordinal in EnvHostname.
	EnvShards = "AUDITKIT_SHARDS"
	// EnvJobIndex is set by Kubernetes in the pods of an Indexed Job.
	EnvJobIndex = "JOB_COMPLETION_INDEX"
	// EnvHostname is a pod's name; a StatefulSet's pods are named
	// "NAME-ORDINAL".
	EnvHostname = "HOSTNAME"
)

// ShardFromEnv finds this replica's shard in its environment, through
// getenv (os.Getenv). In order:
//
//  1. AUDITKIT_SHARD="I/N";
//  2. JOB_COMPLETION_INDEX (an Indexed Job) with AUDITKIT_SHARDS=N;
//  3. the StatefulSet ordinal, the number after the last "-" of HOSTNAME
//     ("auditkit-collect-3"), with AUDITKIT_SHARDS=N.
//
// ok is false, with a nil error, when none applies (HOSTNAME alone does
// not shard: AUDITKIT_SHARDS says the replicas are shards). A variable
// that is set but wrong, or JOB_COMPLETION_INDEX without AUDITKIT_SHARDS
// (every pod of the Job would collect every source), is an error.
func ShardFromEnv(getenv func(string) string) (i, n int, ok bool, err error) {
	if s := getenv(EnvShard); s != "" {
		i, n, err := ParseShard(s)
		if err != nil {
			return 0, 0, false, fmt.Errorf("%s: %w", EnvShard, err)
		}
		return i, n, true, nil
	}
	ns := getenv(EnvShards)
	job := getenv(EnvJobIndex)
	if ns == "" {
		if job != "" {
			return 0, 0, false, fmt.Errorf("collector: %s is set (an Indexed Job) but %s is not: set it to the Job's parallelism, or set %s=I/N", EnvJobIndex, EnvShards, EnvShard)
		}
		return 0, 0, false, nil
	}
	n, err = strconv.Atoi(strings.TrimSpace(ns))
	if err != nil || n < 1 {
		return 0, 0, false, fmt.Errorf("collector: %s=%q: want the number of replicas, at least 1", EnvShards, ns)
	}
	var from, val string
	switch {
	case job != "":
		from, val = EnvJobIndex, job
	case getenv(EnvHostname) != "":
		from = EnvHostname
		host := getenv(EnvHostname)
		dash := strings.LastIndexByte(host, '-')
		if dash < 0 {
			return 0, 0, false, fmt.Errorf("collector: %s is set but %s=%q has no StatefulSet ordinal (NAME-ORDINAL): set %s=I/N or %s", EnvShards, EnvHostname, host, EnvShard, EnvJobIndex)
		}
		val = host[dash+1:]
	default:
		return 0, 0, false, errors.New("collector: " + EnvShards + " is set but neither " + EnvJobIndex + " nor " + EnvHostname + " gives this replica's index: set " + EnvShard + "=I/N")
	}
	i, err = strconv.Atoi(val)
	if err != nil {
		return 0, 0, false, fmt.Errorf("collector: %s=%q: the replica index %q is not a whole number", from, getenv(from), val)
	}
	if err := checkShard(i, n); err != nil {
		return 0, 0, false, fmt.Errorf("collector: %s=%q with %s=%d: %w", from, getenv(from), EnvShards, n, err)
	}
	return i, n, true, nil
}
