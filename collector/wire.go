package collector

// shardOf is the shard (of n) that owns the source called name.
func shardOf(name string, n int) int { return ShardOf(name, n) }

// openDirStore opens the directory store at dir.
func openDirStore(dir string) (Store, error) { return NewDirStore(dir) }
