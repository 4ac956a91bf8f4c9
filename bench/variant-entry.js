// A second copy of the real Worker (src/index.ts, unchanged) mounted under a path prefix in
// the same Miniflare, bound to the same D1/KV. Used two ways:
//  - BENCH_PROFILE=1: every D1 statement is recorded with the SQL time D1 reports for it
//    (meta.duration), so the bench can say which statement dominates. Kept out of the timed
//    runs: those go to the unwrapped Worker.
//  - other bindings overridden (e.g. INGEST_MODE=queue) to measure a mode side by side.
// POST <prefix>/__drain {ws, tz, now?} rolls up every marked day of the workspace in one loop, without
// the Workflow engine (drainAll, then one report rebuild), and answers how long each part took;
// `now` (ms, default the clock) lets `npm run storage` roll up today's events as tomorrow would.
// GET <prefix>/__profile returns what was recorded; DELETE clears it. Each statement is also
// logged as it completes (`[bench-sql] {…}`), so a run cut short still tells how far it got
// (a long SQLite query blocks workerd's thread: nothing else is answered meanwhile).
import worker from '../src/index.ts';
import { rebuildReports } from '../src/publish/cache.ts';
import { drainAll } from '../src/rollup/drain.ts';

const SQL = Symbol('sql');
let stats = new Map();
let log = [];
let stream = false;

function record(sql, meta, kind) {
  let s = stats.get(sql);
  if (!s) stats.set(sql, (s = { sql, calls: 0, sqlMs: 0, rowsRead: 0, rowsWritten: 0, kind }));
  s.calls++;
  s.sqlMs += meta?.duration ?? 0;
  s.rowsRead += meta?.rows_read ?? 0;
  s.rowsWritten += meta?.rows_written ?? 0;
  // workerd's clock only moves on I/O, so Date.now() right after a D1 answer is a true
  // timestamp: the gaps between entries give the wall time of each phase.
  const entry = { at: Date.now(), sql: sql.slice(0, 120), ms: meta?.duration ?? null };
  log.push(entry);
  if (stream) console.log(`[bench-sql] ${JSON.stringify({ ...entry, sql })}`);
}

function wrapStatement(stmt, sql) {
  return new Proxy(stmt, {
    get(target, prop) {
      if (prop === SQL) return sql;
      if (prop === 'bind') return (...args) => wrapStatement(target.bind(...args), sql);
      if (prop === 'all' || prop === 'run') {
        return async (...args) => {
          const res = await target[prop](...args);
          record(sql, res.meta, prop);
          return res;
        };
      }
      // first() and raw() do not return meta: go through all() for first(), time raw() as null.
      if (prop === 'first') {
        return async (column) => {
          const res = await target.all();
          record(sql, res.meta, 'first');
          const row = res.results[0] ?? null;
          return column === undefined ? row : (row?.[column] ?? null);
        };
      }
      if (prop === 'raw') {
        return async (...args) => {
          const res = await target.raw(...args);
          record(sql, null, 'raw');
          return res;
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function wrapDatabase(db) {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') return (sql) => wrapStatement(target.prepare(sql), sql);
      if (prop === 'batch') {
        return async (statements) => {
          const results = await target.batch(statements);
          statements.forEach((s, i) => record(s[SQL] ?? '(unknown)', results[i]?.meta, 'batch'));
          return results;
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const prefix = env.BENCH_PREFIX;
    stream = env.BENCH_PROFILE === '1';
    if (url.pathname === `${prefix}/__profile`) {
      const out = { statements: [...stats.values()].sort((a, b) => b.sqlMs - a.sqlMs), log };
      if (request.method === 'DELETE') {
        stats = new Map();
        log = [];
      }
      return Response.json(out);
    }
    const e = env.BENCH_PROFILE === '1' ? { ...env, DB: wrapDatabase(env.DB) } : env;
    if (url.pathname === `${prefix}/__drain` && request.method === 'POST') {
      const { ws, tz, now } = await request.json();
      const t0 = Date.now();
      const { rolledUp } = await drainAll(e.DB, ws, tz, now ?? Date.now());
      const t1 = Date.now();
      await rebuildReports(e.DB, e.REPORTS, ws, tz, now ?? Date.now());
      return Response.json({ rolledUp, rollupMs: t1 - t0, reportsMs: Date.now() - t1 });
    }
    url.pathname = url.pathname.slice(prefix.length) || '/';
    return worker.fetch(new Request(url, request), e, ctx);
  },
};
