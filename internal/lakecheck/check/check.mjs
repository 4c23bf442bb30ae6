// check.mjs LAKE_DIR EVENTS_NDJSON
//
// An independent check of a Security Lake layout written by auditkit's
// securitylake output: DuckDB (its own Parquet reader, not parquet-go)
// reads every file with read_parquet and the rows must be the NDJSON
// events, each exactly once. It checks
//   - every file is ext/{source}/region=R/accountId=A/eventDay=YYYYMMDD/{name}-{seq:012d}.parquet,
//     one class per custom source, every row of a file of its eventDay
//     (UTC) and class, sorted by time;
//   - all files read together (one schema);
//   - row counts: in total and per class, equal to the NDJSON's;
//   - every row, as JSON (to_json), equals one NDJSON event with nulls
//     dropped, unmapped and the json_t data attributes decoded from their
//     JSON text; the multisets are equal;
//   - a sample of fields queried by struct path (metadata.uid,
//     metadata.product.vendor_name, actor.user.uid, class_uid, time,
//     raw_data) equals the NDJSON's.
// It prints a summary and exits 1 on the first kind of mismatch found.
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const [lake, ndjsonPath] = process.argv.slice(2);
if (!lake || !ndjsonPath) {
  console.error('usage: node check.mjs LAKE_DIR EVENTS_NDJSON');
  process.exit(2);
}
let failures = 0;
function fail(msg, always) {
  failures++;
  if (failures <= 20 || always) console.error('FAIL: ' + msg);
}

function walk(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

// canonical drops nulls and empty arrays, decodes JSON-text columns and
// sorts keys, so that two events compare as JSON text.
function canonical(v, decodeText, key) {
  if (decodeText && typeof v === 'string' && (key === 'unmapped' || key === 'data')) {
    return canonical(JSON.parse(v), false, '');
  }
  if (Array.isArray(v)) {
    const a = v.map((x) => canonical(x, decodeText, ''));
    return a.length === 0 ? null : a;
  }
  if (v !== null && typeof v === 'object') {
    const o = {};
    for (const k of Object.keys(v).sort()) {
      // Inside unmapped (already decoded) nothing is JSON text.
      const c = canonical(v[k], decodeText && key !== 'unmapped', k);
      if (c !== null && c !== undefined) o[k] = c;
    }
    return o;
  }
  return v;
}

const sql = (s) => "'" + s.replaceAll("'", "''") + "'";

const events = readFileSync(ndjsonPath, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
const files = walk(lake).sort();
const layout = /^ext\/([\w\-:.]{1,20})\/region=([a-z0-9-]+)\/accountId=(\d{12}|external_[\w-]+)\/eventDay=(\d{8})\/([\w.@+=-]+)-(\d{12,})\.parquet$/;

const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();

const classOfSource = new Map();
const got = new Map(); // canonical JSON -> count
let rows = 0;
const list = '[' + files.map(sql).join(', ') + ']';
const perFile = new Map();
for (const f of files) perFile.set(f, []);
{
  // Every file in one read_parquet: one schema for all; filename tells
  // each row's file.
  const r = await conn.runAndReadAll(`SELECT filename AS f, to_json(t)::VARCHAR AS j
    FROM read_parquet(${list}, hive_partitioning = true, filename = true) t`);
  for (const { f, j } of r.getRowObjectsJS()) {
    const o = JSON.parse(j);
    delete o.filename;
    if (!perFile.has(f)) fail(`row of unknown file ${f}`);
    else perFile.get(f).push(o);
  }
}
for (const f of files) {
  const rel = relative(lake, f).split(sep).join('/');
  const m = layout.exec(rel);
  if (!m) {
    fail(`${rel}: not a file of the Security Lake layout`);
    continue;
  }
  const [, source, , , day] = m;
  const objs = perFile.get(f);
  if (objs.length === 0) fail(`${rel}: no rows`);
  let last = -Infinity;
  for (const o of objs) {
    rows++;
    // DuckDB reads the partition directories as columns (hive
    // partitioning), as Glue does: they must name the row's day.
    if (String(o.eventDay) !== day || o.region !== m[2] || String(o.accountId) !== m[3].replace(/^0+/, '')) {
      fail(`${rel}: partition columns ${o.region} ${o.accountId} ${o.eventDay}`);
    }
    delete o.region;
    delete o.accountId;
    delete o.eventDay;
    const d = new Date(Number(o.time)).toISOString().slice(0, 10).replaceAll('-', '');
    if (d !== day) fail(`${rel}: row of day ${d}`);
    if (Number(o.time) < last) fail(`${rel}: rows not sorted by time`);
    last = Number(o.time);
    const known = classOfSource.get(source);
    if (known === undefined) classOfSource.set(source, o.class_uid);
    else if (known !== o.class_uid) fail(`${rel}: class ${o.class_uid} in custom source ${source} of class ${known}`);
    const c = JSON.stringify(canonical(o, true, ''));
    got.set(c, (got.get(c) || 0) + 1);
  }
}

// The counts per class.
const byClass = (await conn.runAndReadAll(`SELECT class_uid, count(*) AS n FROM read_parquet(${list}) GROUP BY class_uid ORDER BY class_uid`)).getRowObjectsJS();
const wantByClass = new Map();
for (const e of events) wantByClass.set(e.class_uid, (wantByClass.get(e.class_uid) || 0) + 1);
for (const { class_uid, n } of byClass) {
  if (wantByClass.get(class_uid) !== Number(n)) fail(`class ${class_uid}: ${n} rows, NDJSON has ${wantByClass.get(class_uid)}`);
  wantByClass.delete(class_uid);
}
for (const [c, n] of wantByClass) fail(`class ${c}: no rows, NDJSON has ${n}`);
if (rows !== events.length) fail(`${rows} rows in ${files.length} files, NDJSON has ${events.length} events`);

// Every row is one event.
const want = new Map();
for (const e of events) {
  const c = JSON.stringify(canonical(e, false, ''));
  want.set(c, (want.get(c) || 0) + 1);
}
let shown = 0;
for (const [c, n] of want) {
  const g = got.get(c) || 0;
  if (g !== n && shown++ < 5) fail(`event ${n} time(s) in the NDJSON, ${g} in the lake: ${c}`, true);
  else if (g !== n) failures++;
}
shown = 0;
for (const [c, n] of got) {
  if (!want.has(c) && shown++ < 5) fail(`row ${n} time(s) in the lake, not in the NDJSON: ${c}`, true);
  else if (!want.has(c)) failures++;
}

// A sample of fields by struct path, as an Athena query reads them.
const step = Math.max(1, Math.floor(events.length / 25));
const sample = events.filter((_, i) => i % step === 0);
const found = new Map();
{
  const q = `SELECT metadata.uid AS uid, class_uid, time, metadata.product.vendor_name AS vendor, actor.user.uid AS actor_uid, raw_data
    FROM read_parquet(${list}) WHERE metadata.uid IN (${sample.map((e) => sql(e.metadata.uid)).join(', ')})`;
  for (const r of (await conn.runAndReadAll(q)).getRowObjectsJS()) {
    if (!found.has(r.uid)) found.set(r.uid, []);
    found.get(r.uid).push(r);
  }
}
for (const e of sample) {
  const rs = (found.get(e.metadata.uid) || []).filter((r) => r.raw_data === (e.raw_data ?? null));
  if (rs.length === 0) {
    fail(`sample ${e.metadata.uid}: not found by metadata.uid and raw_data`);
    continue;
  }
  const r = rs[0];
  const cmp = [
    ['class_uid', r.class_uid, e.class_uid],
    ['time', Number(r.time), e.time],
    ['metadata.product.vendor_name', r.vendor, e.metadata.product.vendor_name],
    ['actor.user.uid', r.actor_uid, e.actor?.user?.uid ?? null],
  ];
  for (const [name, a, b] of cmp) if (a !== b) fail(`sample ${e.metadata.uid}: ${name} is ${a}, NDJSON has ${b}`);
}

console.log(`duckdb: ${files.length} files, ${rows} rows, ${classOfSource.size} custom sources (${[...classOfSource].map(([s, c]) => s + '=' + c).join(', ')}), ${events.length} NDJSON events, ${failures} failures`);
process.exit(failures === 0 ? 0 : 1);
