// Package securitylake is an output of the collector (package collector)
// that writes OCSF events as Parquet files in the layout of an Amazon
// Security Lake custom source, to a local directory or to S3:
//
//	ext/{custom source}/region={region}/accountId={account}/eventDay={YYYYMMDD}/{source}-{seq:012d}.parquet
//
// Security Lake takes one OCSF class per custom source, so the output
// writes each class to its own custom source, named {prefix}-{class uid}
// ("auditkit-3002" for Authentication) unless Config.CustomSources names
// it. {source} is the collector source's name and {seq} its batch's Seq.
//
// Each collector batch becomes one file per (class, UTC day) of its
// events, sorted by time: Parquet with zstd, data pages of version 1 of at
// most a few hundred KiB, bounded row groups, and one schema for every
// file, derived from the ocsf.Event model (nested groups, standard LISTs;
// unmapped, raw_data and the json_t data attributes as strings).
//
// Delivery: a file's name depends only on the batch, so a batch written
// again after a crash replaces its files instead of adding duplicates; a
// local file is written under a temporary name, synced and renamed, an S3
// object is uploaded with one PutObject. Write returns the position
// {"seq": N} after every file of batch N is durable; the collector saves
// it with the checkpoint. Recover removes the source's files of batches
// after the saved one, which a crash left behind before their checkpoint
// was saved. Events are thus in the lake exactly once, provided only this
// output writes the source's files.
//
// Security Lake expects deliveries between every 5 minutes and every day:
// the output delivers once per collector batch, so give the sources an
// interval of 5 minutes or more (and a batch size, Config.BatchSize, that
// a cycle rarely exceeds).
//
// Importing the package registers the output kind "securitylake" with the
// collector, for config files.
package securitylake
