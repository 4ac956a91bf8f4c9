// Drain: a year of history (N events a day) bulk-loaded into two workspaces, then
//  - engine: one cron tick, and the time until the drain Workflow has rolled up every day and
//    rebuilt the reports (the workspace's drain closed, its 90-day summary complete);
//  - loop: the same days rolled in one request without the engine (the variants' /__drain:
//    the same steps in one loop, then one rebuild), the baseline;
//  - late: one lifecycle event dated a year back sent through POST /v1/events to the drained
//    workspace, then a tick; the time until its drain is done, as a share of the year's.
// (The bench's Worker does not start drains on ingest, DRAIN_ON_INGEST = "false": ticks do.)
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DatabaseSync } from 'node:sqlite';
import { createWorkspace, TIMEZONE } from './events.mjs';
import { monitor } from './load.mjs';
import { addDays, dayStart, localDay, rowValues, seqInserter } from './rows.mjs';
import { ADMIN_TOKEN } from './runtime.mjs';


/** `days` days ending yesterday, each the demo pool squeezed into the day and cut at `perDay` events. */
export function loadYear(file, wsIds, { pool, tz, days, perDay }) {
  const { activity } = pool;
  const stamps = activity.map((e) => Date.parse(e.timestamp));
  const [w0, wLen] = [stamps[0], stamps.at(-1) - stamps[0] + 1];
  const last = addDays(localDay(Date.now(), tz), -1);
  const db = new DatabaseSync(file);
  const insert = seqInserter(db);
  const t0 = performance.now();
  db.exec('BEGIN');
  try {
    for (const ws of wsIds) {
      const customers = new Map();
      for (let d = days - 1; d >= 0; d--) {
        const day = addDays(last, -d);
        const [start, len] = [dayStart(day, tz), dayStart(addDays(day, 1), tz) - dayStart(day, tz)];
        for (let i = 0; i < perDay; i++) {
          const src = activity[i % activity.length];
          const ts = start + Math.floor(((stamps[i % activity.length] - w0) / wLen) * len);
          const e = { ...src, messageId: `y-${day}-${i}` };
          if (e.ticketId) e.ticketId = `${src.ticketId}.${day}`;
          insert.run(rowValues(e, ws, ts, day, ts + 1000));
          if (!customers.has(e.customerId)) customers.set(e.customerId, ts);
        }
      }
      const up = db.prepare('INSERT INTO customers (workspace_id, customer_id, first_seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
      for (const [c, ts] of customers) up.run(ws, c, ts);
      // As ingest would leave it: every day marked, nothing cascaded yet, no drain started.
      const allDays = JSON.stringify(Array.from({ length: days }, (_, d) => addDays(last, -d)));
      db.prepare(`INSERT INTO dirty_days (workspace_id, day) SELECT ?, value FROM json_each(?) WHERE true ON CONFLICT DO NOTHING`).run(ws, allDays);
      db.prepare(`INSERT INTO people_days (workspace_id, day) SELECT ?, value FROM json_each(?) WHERE true ON CONFLICT DO NOTHING`).run(ws, allDays);
      db.prepare('INSERT INTO rollup_state (workspace_id, rolled_through) VALUES (?, ?) ON CONFLICT DO UPDATE SET rolled_through = excluded.rolled_through').run(ws, last);
    }
    insert.done();
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  } finally {
    db.close();
  }
  return { events: perDay * days, loadMs: Math.round(performance.now() - t0) };
}

/**
 * Polls until the workspace's drain is closed and its 90-day summary complete, every 50 ms: the
 * late event's drain takes about a second at 10k/day, so a coarser poll would be its own error.
 */
async function drained(rt, ws, sinceSeq, timeoutMs) {
  const until = Date.now() + timeoutMs;
  const d1 = await rt.d1();
  for (;;) {
    const s = await d1.prepare('SELECT drain_seq AS seq, drain_open AS open FROM rollup_state WHERE workspace_id = ?1').bind(ws.id).first();
    if (s && s.seq > sinceSeq && !s.open) {
      const r = await rt.api('GET', '/v1/reports/summary?period=90d', { key: ws.keys.read });
      if (r.json?.complete) return { seq: s.seq, summary: r.json };
    }
    if (Date.now() > until) throw new Error(`drain of ${ws.id} not done after ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}

export async function benchDrain(rt, { quick, pool, log }) {
  const tz = TIMEZONE;
  const sizes = quick ? [1_000] : (process.env.BENCH_DRAIN_SIZES || '10000').split(',').map(Number);
  const days = Number(process.env.BENCH_DRAIN_DAYS) || (quick ? 90 : 365);
  const out = { days, timezone: tz, sizes: {} };
  for (const perDay of sizes) {
    const engine = await createWorkspace(rt, ADMIN_TOKEN, `Bench drain ${perDay}`);
    const loop = await createWorkspace(rt, ADMIN_TOKEN, `Bench drain loop ${perDay}`);
    await rt.stop();
    const load = loadYear(rt.d1File(), [engine.id, loop.id], { pool, tz, days, perDay });
    log(`drain ${perDay}/day: loaded ${days} days × 2 workspaces (${load.events} events each) in ${load.loadMs} ms`);
    await rt.start();
    const d1 = await rt.d1();
    // The loop workspace must not be drained by the tick: it looks as if a drain were live.
    await d1.prepare('UPDATE rollup_state SET drain_open = 1, drain_started_at = ?2 WHERE workspace_id = ?1').bind(loop.id, Date.now()).run();

    const tick = async () => (await rt.mf.getWorker('trayecto')).scheduled({ cron: '5 * * * *', scheduledTime: new Date() });
    let mon = monitor(() => rt.pid);
    let t0 = performance.now();
    await tick();
    const first = await drained(rt, engine, 0, 3_600_000);
    const engineMs = Math.round(performance.now() - t0);
    const engineMemory = mon.stop();
    log(`drain ${perDay}/day: one tick → every report complete in ${engineMs} ms`);

    mon = monitor(() => rt.pid);
    t0 = performance.now();
    const res = await rt.api('POST', '/__direct/__drain', { body: { ws: loop.id, tz }, timeoutMs: 3_600_000 });
    if (res.status !== 200) throw new Error(`POST /__drain: ${res.status} ${res.text.slice(0, 300)}`);
    const loopMs = Math.round(performance.now() - t0);
    const loopMemory = mon.stop();
    log(`drain ${perDay}/day: the same days in one loop in ${loopMs} ms (${(engineMs / loopMs).toFixed(2)}× with the engine)`);

    // One late lifecycle event a year back, through the API, as an app would send it.
    t0 = performance.now();
    const late = { type: 'lifecycle', messageId: `late-${perDay}`, customerId: 'cus-late', status: 'started', timestamp: `${addDays(localDay(Date.now(), tz), -364)}T12:00:00Z` };
    const sent = await rt.api('POST', '/v1/events', { key: engine.keys.ingest, body: late });
    if (sent.status !== 202) throw new Error(`late event: ${sent.status} ${sent.text.slice(0, 200)}`);
    await tick();
    const second = await drained(rt, engine, first.seq, 1_800_000);
    const lateMs = Math.round(performance.now() - t0);
    const grew = second.summary.metrics.retention.customersAtStart - first.summary.metrics.retention.customersAtStart;
    log(`drain ${perDay}/day: late lifecycle event a year back drained in ${lateMs} ms (${((lateMs / engineMs) * 100).toFixed(1)}% of the year)`);
    out.sizes[perDay] = {
      load,
      engineMs,
      loopMs,
      engineMemory,
      loopMemory,
      loopAnswer: res.json,
      lateMs,
      lateShare: lateMs / engineMs,
      lateCustomerCounted: grew === 1,
    };
  }
  return out;
}
