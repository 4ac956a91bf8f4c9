// Ingest: events/s through POST /v1/events for batches of 1, 100, 500 and 1,000 realistic
// events (fresh messageIds every time), against the baseline Worker inserting the same rows.
// Then, untimed, where the time goes: D1's own SQL time per statement (profiled variant)
// and the JavaScript steps of the request measured in Node on the same source.
import { performance } from 'node:perf_hooks';
import { bodyMaker, createWorkspace, TIMEZONE } from './events.mjs';
import { monitor, request, runLoad } from './load.mjs';
import { localDay, rowValues } from './rows.mjs';
import { ADMIN_TOKEN } from './runtime.mjs';
import { IngestBody } from '../src/ingest/event-schema.ts';
import { sizeErrors, toRow } from '../src/ingest/store.ts';

const SIZES = [1, 100, 500, 1000];
const CONCURRENCY = 4;

function target(rt, ws, kind, size, pool) {
  const make = bodyMaker(pool.activity, `${kind}-${size}-${Date.now()}`);
  const query = `?ws=${ws.id}&tz=${encodeURIComponent(ws.timezone)}`;
  const paths = { baseline: `/__baseline/events${query}`, 'baseline-json': `/__baseline/events-json${query}`, queued: '/__queued/v1/events', profiled: '/__profiled/v1/events' };
  const url = new URL(paths[kind] ?? '/v1/events', rt.url);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${ws.keys.ingest}` };
  return {
    next: () => ({ url, method: 'POST', headers, body: make(size), size }),
    check: (res, r) => {
      if (res.status !== 202) throw new Error(`${kind} batch of ${size}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
      const body = JSON.parse(res.text);
      if (body.accepted !== r.size) throw new Error(`${kind} batch of ${size}: accepted ${body.accepted}`);
      return r.size;
    },
  };
}

async function measure(rt, t, { warmupMs, durationMs }) {
  await runLoad({ concurrency: CONCURRENCY, durationMs: warmupMs, ...t });
  const mon = monitor(() => rt.pid);
  const m = await runLoad({ concurrency: CONCURRENCY, durationMs, ...t });
  return { ...m, ...mon.stop() };
}

export async function benchIngest(rt, { quick, pool, log }) {
  const timing = { warmupMs: quick ? 1000 : 2000, durationMs: quick ? 3000 : 8000 };
  const ws = await createWorkspace(rt, ADMIN_TOKEN, 'Bench ingest');
  const out = { concurrency: CONCURRENCY, ...timing, sizes: {} };
  for (const [i, size] of SIZES.entries()) {
    const r = {};
    // Rotate which side goes first, so that a drift of the shared machine favours none.
    const kinds = ['trayecto', 'baseline', 'baseline-json'];
    for (const kind of [...kinds.slice(i % 3), ...kinds.slice(0, i % 3)]) {
      r[kind] = await measure(rt, target(rt, ws, kind, size, pool), timing);
      log(`ingest batch ${size} ${kind}: ${Math.round(r[kind].perSecond)} events/s`);
    }
    out.sizes[size] = r;
  }
  out.profile = await profileIngest(rt, ws, pool, 500);
  out.js = await jsSteps(pool, 500);
  if (rt.config.queueMode) out.queue = await benchQueue(rt, { quick, pool, log, timing });
  return out;
}

/**
 * One batch at a time, the kinds taking turns (so that a drift of the machine hits all
 * alike), after a warm-up: mean latency per kind, and the profiled copy's SQL per statement.
 */
async function profileIngest(rt, ws, pool, size, batches = 30) {
  const kinds = ['trayecto', 'profiled', 'baseline', 'baseline-json'];
  const targets = Object.fromEntries(kinds.map((k) => [k, target(rt, ws, k, size, pool)]));
  const send = async (t) => {
    const r = t.next();
    const t0 = performance.now();
    t.check(await request(r.url, r), r);
    return performance.now() - t0;
  };
  for (let i = 0; i < 5; i++) for (const k of kinds) await send(targets[k]);
  const profileUrl = new URL('/__profiled/__profile', rt.url);
  await request(profileUrl, { method: 'DELETE' });
  const total = Object.fromEntries(kinds.map((k) => [k, 0]));
  for (let i = 0; i < batches; i++) for (const k of kinds) total[k] += await send(targets[k]);
  const latencyMs = Object.fromEntries(kinds.map((k) => [k, +(total[k] / batches).toFixed(1)]));
  const prof = JSON.parse((await request(profileUrl, { method: 'DELETE' })).text);
  const statements = prof.statements.map((s) => ({ ...s, msPerBatch: +(s.sqlMs / batches).toFixed(2) }));
  const sqlMs = statements.reduce((a, s) => a + s.sqlMs, 0) / batches;
  return { batchSize: size, batches, latencyMs, sqlMsPerBatch: +sqlMs.toFixed(1), statements };
}

/**
 * The request's JavaScript steps, timed in Node (same V8 family as workerd) on the Worker's own
 * source (imported as TypeScript): what the edge spends besides SQL for one batch.
 */
async function jsSteps(pool, size, rounds = 40) {
  const body = bodyMaker(pool.activity, 'js')(size);
  const bytes = new TextEncoder().encode(body);
  const now = Date.now();
  const steps = {
    'decode + JSON.parse (json-body middleware)': () => JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)),
    'zod IngestBody.safeParse': (o) => IngestBody.safeParse(o),
    'sizeErrors (scans the bytes sent)': (o) => sizeErrors(o, bytes),
    'toRow (localDay via Intl.formatToParts) + JSON.stringify': (o) => JSON.stringify(o.batch.map((e) => toRow(e, TIMEZONE, now))),
    'baseline: rowValues (toRow, then column order)': (o) =>
      o.batch.map((e) => rowValues(e, 'ws', Date.parse(e.timestamp), localDay(Date.parse(e.timestamp), TIMEZONE), now)),
  };
  const parsed = JSON.parse(body);
  const out = {};
  for (const [name, fn] of Object.entries(steps)) {
    for (let i = 0; i < 5; i++) fn(parsed); // warm the JIT
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) fn(parsed);
    out[name] = +((performance.now() - t0) / rounds).toFixed(2);
  }
  return { batchSize: size, msPerBatch: out };
}

/** Queue mode: events/s the edge accepts, then how long until the consumer has them all in D1. */
async function benchQueue(rt, { quick, pool, log, timing }) {
  const ws = await createWorkspace(rt, ADMIN_TOKEN, 'Bench ingest (queue)');
  const db = await rt.d1();
  const stored = async () => (await db.prepare('SELECT count(*) AS n FROM events WHERE workspace_id = ?1').bind(ws.id).first()).n;
  const drain = async (expected, limitMs) => {
    const t0 = performance.now();
    while ((await stored()) < expected) {
      if (performance.now() - t0 > limitMs) return null;
      await new Promise((r) => setTimeout(r, 200));
    }
    return performance.now() - t0;
  };
  const out = {};
  let sent = 0;
  for (const size of [100, 500]) {
    const t = target(rt, ws, 'queued', size, pool);
    const count = { ...t, check: (res, r) => (sent += t.check(res, r), r.size) };
    await runLoad({ concurrency: CONCURRENCY, durationMs: timing.warmupMs, ...count });
    await drain(sent, 120_000);
    const mon = monitor(() => rt.pid);
    const m = await runLoad({ concurrency: CONCURRENCY, durationMs: timing.durationMs, ...count });
    const drainMs = await drain(sent, quick ? 60_000 : 300_000);
    out[size] = {
      ...m,
      ...mon.stop(),
      drainMs,
      endToEndPerSecond: drainMs === null ? null : (m.units / (m.elapsedMs + drainMs)) * 1000,
    };
    log(`ingest queue batch ${size}: edge ${Math.round(m.perSecond)} events/s, all in D1 ${drainMs === null ? 'not within limit' : `${Math.round(drainMs)} ms after the load`}`);
  }
  return out;
}
