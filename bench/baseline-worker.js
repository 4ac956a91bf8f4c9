// The ingest ceiling: a minimal Worker in the same workerd process, reached through the same
// Miniflare entry (a route), with its own D1 database migrated with the repo's migrations.
// It receives the same `{batch}` JSON and inserts the same `events` rows as Trayecto, with
// plain multi-row INSERTs of at most 100 bound parameters (D1's production limit), all in
// one db.batch() (one transaction, like Trayecto's). No auth, no validation, no customers,
// no dirty days, no cases: only the work nobody can avoid.
// POST …/events-json is a second ceiling: the same rows in ONE statement that unpacks a
// JSON parameter with json_each (Trayecto's own technique), to tell statement count from
// everything else.
// POST …/events-pk is the floor the HTTP phase sets its target against: the same multi-row
// INSERTs into `bench_events_pk`, a table of the same columns with one primary key
// (workspace_id, message_id) and no other index, so no index entry is written but the key's.
import { DurableObject } from 'cloudflare:workers';
import { COLUMNS, localDay, rowValues } from './rows.mjs';

/**
 * The other strongly consistent home a key could have (probe `do`, HTTP phase only): a Durable
 * Object per key hash answering from its own SQLite, to set one call to it beside one D1 query.
 */
export class KeyDirectory extends DurableObject {
  lookup(id) {
    return this.ctx.storage.sql.exec('SELECT ?1 AS id, 0 AS revoked', id).one();
  }
}

// At most 100 parameters a statement: 5 rows × 20 columns, or 4 × 21 with `events`' seq.
const rowsPerStatement = (table) => Math.floor(100 / (COLUMNS.length + (table === 'events' ? 1 : 0)));
const sqlByRows = new Map();

// `events` needs a seq (src/db/seq.ts): this Worker numbers its own rows (one isolate, its own
// database), which is no dearer than Trayecto's counter and leaves the row the same.
let nextSeq = Date.now() * 1000;
const withSeq = (table, values) => (table === 'events' ? [nextSeq++, ...values] : values);

function insertSql(table, rows) {
  let sql = sqlByRows.get(`${table}/${rows}`);
  if (!sql) {
    const cols = table === 'events' ? ['seq', ...COLUMNS] : COLUMNS;
    const tuple = `(${cols.map(() => '?').join(',')})`;
    sql = `INSERT INTO ${table} (${cols.join(',')}) VALUES ${Array(rows).fill(tuple).join(',')}
      ON CONFLICT (workspace_id, message_id) DO NOTHING`;
    sqlByRows.set(`${table}/${rows}`, sql);
  }
  return sql;
}

// Created by POST …/setup before the load (the repo's migrations stay the Worker's own).
const PK_TABLE = `CREATE TABLE IF NOT EXISTS bench_events_pk (${COLUMNS.join(', ')}, PRIMARY KEY (workspace_id, message_id))`;

const JSON_INSERT = `INSERT INTO events (seq, ${COLUMNS.join(',')})
  SELECT ?2 + j.key, ${COLUMNS.map((c) => `j.value->>'${c}'`).join(',')} FROM json_each(?1) j WHERE true
  ON CONFLICT (workspace_id, message_id) DO NOTHING`;

// Read-path probes: what one binding call costs in this runtime, to take a report read apart.
const PROBES = {
  noop: async () => new Response('ok'),
  body: async (env, url) => new Response('x'.repeat(Number(url.searchParams.get('n'))), { headers: { 'content-type': 'application/json' } }),
  d1: async (env) => Response.json(await env.DB.prepare('SELECT 1 AS one').first()),
  kv: async (env, url) => new Response((await env.REPORTS.getWithMetadata(url.searchParams.get('key'), 'text')).value),
  ratelimit: async (env) => {
    const limiter = env.API_LIMITER ?? env.INGEST_LIMITER;
    return new Response(limiter ? String((await limiter.limit({ key: 'probe' })).success) : 'no limiter');
  },
  // What a keyed route adds to a request, and nothing else: the key's lookup and the limiter
  // side by side (as src/workspace/auth.ts does), with its two SHA-256s.
  'd1+ratelimit': async (env) => {
    const [row, limit] = await Promise.all([
      crypto.subtle.digest('SHA-256', new TextEncoder().encode('secret')).then(() => env.DB.prepare('SELECT 1 AS one').first()),
      crypto.subtle.digest('SHA-256', new TextEncoder().encode('rate-limit:key')).then(() => env.API_LIMITER.limit({ key: 'probe' })),
    ]);
    return new Response(String(row.one === 1 && limit.success));
  },
  do: async (env) => Response.json(await env.KEYS.get(env.KEYS.idFromName('key-hash')).lookup('key')),
  sha256: async (env, url) => new Response(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(url.searchParams.get('s') ?? '')))),
};

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const probe = PROBES[url.pathname.replace(/^(\/__baseline)?\/probe\//, '')];
    if (request.method === 'GET' && probe) return probe(env, url);
    // What binding one request's rows (as JSON) to n statements costs: each statement ships
    // the parameter to D1 and walks it with json_each, as Trayecto's ingest batch does.
    if (request.method === 'POST' && url.pathname.endsWith('/probe/json-statements')) {
      const json = JSON.stringify((await request.json()).batch);
      const n = Number(url.searchParams.get('n'));
      const results = await env.DB.batch(Array.from({ length: n }, () => env.DB.prepare('SELECT count(*) AS n FROM json_each(?1)').bind(json)));
      return Response.json({ accepted: results[0].results[0].n, duplicates: 0 }, { status: 202 });
    }
    if (request.method === 'POST' && url.pathname.endsWith('/setup')) return new Response(String((await env.DB.prepare(PK_TABLE).run()).success));
    const json = url.pathname.endsWith('/events-json');
    const pk = url.pathname.endsWith('/events-pk');
    if (request.method !== 'POST' || !(json || pk || url.pathname.endsWith('/events'))) return new Response('not found', { status: 404 });
    // The workspace and its timezone come in the query: the baseline has no keys to look up.
    const ws = url.searchParams.get('ws') ?? 'baseline';
    const tz = url.searchParams.get('tz') ?? 'UTC';
    const body = await request.json();
    const events = Array.isArray(body?.batch) ? body.batch : [body];
    const now = Date.now();
    if (json) {
      const rows = events.map((e) => {
        const ts = e.timestamp ? Date.parse(e.timestamp) : now;
        return Object.fromEntries(rowValues(e, ws, ts, localDay(ts, tz), now).map((v, i) => [COLUMNS[i], v]));
      });
      const [res] = await env.DB.batch([env.DB.prepare(JSON_INSERT).bind(JSON.stringify(rows), nextSeq)]);
      nextSeq += rows.length;
      return Response.json({ accepted: res.meta.changes, duplicates: events.length - res.meta.changes }, { status: 202 });
    }
    const statements = [];
    const table = pk ? 'bench_events_pk' : 'events';
    for (let i = 0; i < events.length; i += rowsPerStatement(table)) {
      const chunk = events.slice(i, i + rowsPerStatement(table));
      const params = [];
      for (const e of chunk) {
        const ts = e.timestamp ? Date.parse(e.timestamp) : now;
        params.push(...withSeq(table, rowValues(e, ws, ts, localDay(ts, tz), now)));
      }
      statements.push(env.DB.prepare(insertSql(table, chunk.length)).bind(...params));
    }
    const results = await env.DB.batch(statements);
    const accepted = results.reduce((n, r) => n + (r.meta.changes ?? 0), 0);
    return Response.json({ accepted, duplicates: events.length - accepted }, { status: 202 });
  },
};
