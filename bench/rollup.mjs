// Rollup: one local day holding 10k / 100k / 1M events, each in its own workspace, bulk
// loaded into the D1 file, then rolled up by the Worker's own code in one request (the
// variants' bench-only POST /__drain: the drain's steps in one loop — marks, the day's rollup,
// the lifecycle pass — then the prebuilt reports; the drain Workflow runs the same steps, see
// bench/drain.mjs for the engine). Baseline: the same day's aggregates as raw SQL with
// node:sqlite on the same file, run while Miniflare is stopped (it holds the file open).
import { performance } from 'node:perf_hooks';
import { bulkLoad } from './bulk-load.mjs';
import { createWorkspace, TIMEZONE } from './events.mjs';
import { monitor } from './load.mjs';
import { rawRollup, workerSummary } from './raw-rollup.mjs';
import { addDays, localDay } from './rows.mjs';
import { ADMIN_TOKEN } from './runtime.mjs';

export async function benchRollup(rt, { quick, pool, log, profileMax, budgetS }) {
  const sizes = quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
  const tz = TIMEZONE;
  const day = addDays(localDay(Date.now(), tz), -1); // the last complete local day
  const workspaces = {};
  for (const n of sizes) workspaces[n] = await createWorkspace(rt, ADMIN_TOKEN, `Bench rollup ${n}`);
  const out = { day, timezone: tz, budgetS, sizes: {} };
  // Handed to the reads phase (the largest rolled-up workspace), kept out of the JSON (keys).
  const done = [];
  Object.defineProperty(out, 'rolledUp', { value: done, enumerable: false });
  for (const n of sizes) {
    const ws = workspaces[n];
    await rt.stop();
    const file = rt.d1File();
    const load = bulkLoad(file, { ws: ws.id, tz, day, n, pool });
    log(`rollup ${n}: loaded ${n} events (+${load.historyEvents} history, ${load.customers} customers) in ${load.loadMs} ms`);
    const raw = rawRollup(file, { ws: ws.id, tz, day });
    log(`rollup ${n}: raw SQL ${Math.round(raw.totalMs)} ms`);
    await rt.start();
    // Up to profileMax the timed run goes to the plain Worker and a profiled re-run follows;
    // above it (1M) there is time for one run only: the profiled variant's, within budgetS.
    const profiled = n > profileMax;
    const run = await rollupOnce(rt, ws, profiled ? { prefix: '/__profiled', timeoutMs: budgetS * 1000 } : {});
    const entry = { load, raw, memory: run.memory, workerMs: run.ms, viaProfiledVariant: profiled };
    out.sizes[n] = entry;
    if (run.timedOut) {
      entry.workerMs = null;
      entry.timedOutAfterMs = run.ms;
      entry.profile = phases(run.sql, run.sent, null, run.sent + run.ms);
      log(`rollup ${n}: no answer within ${budgetS} s; stopped (${describe(entry.profile)})`);
      await rt.stop(); // workerd is still inside the query; only a restart stops it
      await rt.start();
      continue;
    }
    if (run.res.status !== 200 || !run.res.json?.rolledUp?.includes(day)) throw new Error(`POST /__drain: ${run.res.status} ${run.res.text.slice(0, 300)}`);
    done.push(ws);
    entry.answer = run.res.json;
    entry.serverTiming = { rollupMs: run.res.json.rollupMs, reportsMs: run.res.json.reportsMs };
    const worker = await workerSummary(await rt.d1(), ws.id, day);
    entry.outputs = { same: Object.keys(raw.summary).every((k) => raw.summary[k] === worker[k]), worker, raw: raw.summary };
    const { rollupMs, reportsMs } = entry.serverTiming;
    log(
      `rollup ${n}: Worker ${rollupMs} ms (${(rollupMs / raw.totalMs).toFixed(1)}× raw), then ${reportsMs} ms of reports: ` +
        `${Math.round(run.ms)} ms in all${entry.outputs.same ? '' : ' — outputs differ from raw SQL!'}`,
    );
    if (profiled) entry.profile = phases(run.sql, run.sent, run.done);
    else {
      // Put the day back as the first run found it (its rows gone and marked, the people-days cursor rewound).
      const d1 = await rt.d1();
      await d1.batch([
        d1.prepare('DELETE FROM daily_metrics WHERE workspace_id = ?1 AND day = ?2').bind(ws.id, day),
        d1.prepare('DELETE FROM daily_customers WHERE workspace_id = ?1 AND day = ?2').bind(ws.id, day),
        d1.prepare("INSERT INTO dirty_days (workspace_id, day) VALUES (?1, ?2) ON CONFLICT DO UPDATE SET kind = 'full'").bind(ws.id, day),
        d1.prepare('UPDATE rollup_state SET people_seq = ?2 WHERE workspace_id = ?1').bind(ws.id, load.peopleSeq),
        d1.prepare('INSERT INTO people_days (workspace_id, day) VALUES (?1, ?2) ON CONFLICT DO NOTHING').bind(ws.id, day),
      ]);
      const again = await rollupOnce(rt, ws, { prefix: '/__profiled' });
      entry.profile = { rerun: true, ...phases(again.sql, again.sent, again.done) };
    }
  }
  return out;
}

/** One drain of the workspace in one request, timed, with workerd's memory and the streamed statements. */
async function rollupOnce(rt, ws, { prefix = '/__direct', timeoutMs } = {}) {
  rt.sqlLog = [];
  const mon = monitor(() => rt.pid);
  const sent = Date.now();
  const t0 = performance.now();
  let res = null;
  try {
    res = await rt.api('POST', `${prefix}/__drain`, { body: { ws: ws.id, tz: ws.timezone ?? TIMEZONE }, timeoutMs });
  } catch (err) {
    if (err.code !== 'BENCH_TIMEOUT') throw err;
  }
  const ms = Math.round(performance.now() - t0);
  return { res, ms, sent, done: Date.now(), timedOut: res === null, memory: mon.stop(), sql: rt.sqlLog };
}

// Phase boundaries in the statement log: the query for the next full days ends the marks'
// bookkeeping (advanceMarks), the read of the people marks starts the lifecycle pass, the
// report generation bump with RETURNING starts the report rebuild.
const BOUNDARIES = [
  ['marks and cascades (advanceMarks)', null],
  ['roll up the day (rollupDay)', 'SELECT d.day, d.version FROM dirty_days d'],
  ['lifecycle pass (lifecyclePass)', "SELECT day, version FROM dirty_days WHERE workspace_id = ?1 AND kind = 'people'"],
  ['rebuild reports (rebuildReports)', 'UPDATE rollup_state SET report_gen = report_gen + 1 WHERE workspace_id = ?1 RETURNING'],
];

/** Wall and SQL time per phase, and the costliest statements; `done` null: cut short at `cutAt`. */
function phases(entries, sent, done, cutAt = null) {
  const starts = BOUNDARIES.map(([, sql], i) => (i === 0 ? 0 : entries.findIndex((e) => e.sql.trim().startsWith(sql))));
  const out = {};
  BOUNDARIES.forEach(([name], i) => {
    if (starts[i] < 0) return;
    // A phase runs from the last answer of the one before to its own last answer.
    const from = i === 0 ? 0 : starts[i];
    const next = starts.slice(i + 1).find((x) => x > 0);
    const to = next === undefined ? entries.length : next;
    const begin = i === 0 ? sent : entries[from - 1]?.at ?? sent;
    const end = next === undefined ? (done ?? cutAt ?? entries.at(-1)?.at ?? begin) : entries[to - 1].at;
    const part = entries.slice(from, to);
    out[name] = { wallMs: end - begin, sqlMs: Math.round(part.reduce((a, e) => a + (e.ms ?? 0), 0)), statements: part.length, ...(next === undefined && done === null ? { cutShort: true } : {}) };
  });
  const bySql = new Map();
  for (const e of entries) {
    const s = bySql.get(e.sql) ?? { sql: e.sql, calls: 0, sqlMs: 0 };
    s.calls++;
    s.sqlMs += e.ms ?? 0;
    bySql.set(e.sql, s);
  }
  const statements = [...bySql.values()].sort((a, b) => b.sqlMs - a.sqlMs).slice(0, 12);
  return { totalMs: (done ?? cutAt ?? entries.at(-1)?.at ?? sent) - sent, complete: done !== null, phases: out, statements, last: entries.at(-1)?.sql.slice(0, 120) ?? null };
}

const describe = (p) => Object.entries(p.phases).map(([k, v]) => `${k} ${Math.round(v.wallMs / 1000)} s${v.cutShort ? ' (cut short)' : ''}`).join(', ');
