// Report reads: GET /v1/reports/summary?period=30d with a read key, answered from the KV copy
// the rollup prebuilt, against the cheapest route of the same Worker. Rounds alternate
// between the two so that a drift of the shared machine favours neither.
import { performance } from 'node:perf_hooks';
import { bodyMaker, createWorkspace } from './events.mjs';
import { monitor, percentile, request, runLoad } from './load.mjs';
import { ADMIN_TOKEN } from './runtime.mjs';

const CONCURRENCY = 8;
// A health route would be the natural trivial route; the Worker has none today, so the
// first candidate that answers without a key is used (GET / is a bare 302 to /docs).
const TRIVIAL = ['/health', '/healthz', '/v1/health', '/'];

async function pickTrivial(rt) {
  for (const p of TRIVIAL) {
    const res = await request(new URL(p, rt.url));
    if (res.status === 200 || (p === '/' && res.status === 302)) return { path: p, status: res.status };
  }
  throw new Error('no unauthenticated route answered');
}

/** A workspace with rolled-up data, for a reads-only run (BENCH_ONLY=reads). */
async function smallWorkspace(rt, pool) {
  const ws = await createWorkspace(rt, ADMIN_TOKEN, 'Bench reads');
  const make = bodyMaker(pool.activity, 'reads');
  for (let i = 0; i < 5; i++) await rt.api('POST', '/v1/events', { key: ws.keys.ingest, body: JSON.parse(make(1000)) });
  const days = pool.activity.map((e) => e.timestamp.slice(0, 10)).sort();
  await rt.api('POST', '/v1/rollups', { key: ws.keys.admin, body: { from: days[0], to: days.at(-1) } });
  return ws;
}

export async function benchReads(rt, { quick, ws, pool, log }) {
  ws ??= await smallWorkspace(rt, pool);
  const trivial = await pickTrivial(rt);
  const summaryUrl = new URL('/v1/reports/summary?period=30d', rt.url);
  const headers = { authorization: `Bearer ${ws.keys.read}` };
  // The rollup prebuilt this report; make sure the measured answers are KV hits.
  const first = await request(summaryUrl, { headers });
  if (first.status !== 200) throw new Error(`summary: ${first.status} ${first.text.slice(0, 300)}`);
  const kv = await rt.mf.getKVNamespace('REPORTS');
  const cached = (await kv.list({ prefix: `report/${ws.id}/` })).keys.some((k) => k.name.includes('/summary/'));
  // Two baselines: the cheapest route of all (no key), and the cheapest keyed one, which pays
  // the same key lookup and rate-limiter call as a report read and does nothing else.
  const routes = {
    summary: { url: summaryUrl, headers, status: 200 },
    trivial: { url: new URL(trivial.path, rt.url), headers: {}, status: trivial.status },
    keyed: { url: new URL('/v1/whoami', rt.url), headers, status: 200 },
  };
  const rounds = 2;
  const durationMs = quick ? 2000 : 5000;
  const acc = { summary: [], trivial: [], keyed: [] };
  const names = Object.keys(routes);
  for (const r of Object.values(routes)) await runLoad({ concurrency: CONCURRENCY, durationMs: 1000, ...load(r) }); // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const name of round % 2 ? [...names].reverse() : names) {
      const mon = monitor(() => rt.pid);
      const m = await runLoad({ concurrency: CONCURRENCY, durationMs, ...load(routes[name]), keep: true });
      acc[name].push({ ...m, ...mon.stop() });
    }
  }
  const merge = (list) => {
    const lat = list.flatMap((m) => m.latencies).sort((a, b) => a - b);
    const elapsed = list.reduce((a, m) => a + m.elapsedMs, 0);
    return {
      requests: lat.length,
      requestsPerSecond: (lat.length / elapsed) * 1000,
      p50Ms: percentile(lat, 50),
      p99Ms: percentile(lat, 99),
      workerdPeakMiB: Math.max(...list.map((m) => m.workerdPeakMiB)),
      nodePeakMiB: Math.max(...list.map((m) => m.nodePeakMiB)),
      workerdCpuMsPerRequest: (list.reduce((a, m) => a + m.workerdCpuS, 0) * 1000) / lat.length,
    };
  };
  const out = {
    concurrency: CONCURRENCY,
    rounds,
    durationMs,
    trivialRoute: trivial.path,
    keyedRoute: '/v1/whoami',
    kvHit: cached,
    summary: merge(acc.summary),
    trivial: merge(acc.trivial),
    keyed: merge(acc.keyed),
  };
  const rps = (m) => Math.round(m.requestsPerSecond);
  log(`reads: summary ${rps(out.summary)} req/s, ${trivial.path} ${rps(out.trivial)} req/s, /v1/whoami ${rps(out.keyed)} req/s`);
  out.profile = await profileRead(rt, ws);
  out.probes = await probes(rt, ws, quick, Buffer.byteLength(first.text));
  return out;
}

function load(route) {
  return {
    next: () => route,
    check: (res) => {
      if (res.status !== route.status) throw new Error(`${route.url.pathname}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
      return 1;
    },
  };
}

/** What one summary read costs in D1, through the profiled variant (sequential requests). */
async function profileRead(rt, ws, n = 200) {
  const profileUrl = new URL('/__profiled/__profile', rt.url);
  const url = new URL('/__profiled/v1/reports/summary?period=30d', rt.url);
  const headers = { authorization: `Bearer ${ws.keys.read}` };
  await request(url, { headers });
  await request(profileUrl, { method: 'DELETE' });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await request(url, { headers });
  const ms = (performance.now() - t0) / n;
  const { statements } = JSON.parse((await request(profileUrl, { method: 'DELETE' })).text);
  return { requests: n, latencyMs: +ms.toFixed(2), statements: statements.map((s) => ({ ...s, callsPerRequest: s.calls / n })) };
}

/**
 * The read path taken apart: the same load against probes of the baseline Worker that do
 * one thing each (nothing; a body the summary's size; one D1 query; one KV read of this very
 * report; one SHA-256; one rate-limiter call), so the summary's cost can be laid against its parts.
 */
async function probes(rt, ws, quick, bodyBytes) {
  const kv = await rt.mf.getKVNamespace('REPORTS');
  const key = (await kv.list({ prefix: `report/${ws.id}/` })).keys.map((k) => k.name).find((k) => k.includes('/summary/'));
  const paths = {
    noop: '/__baseline/probe/noop',
    [`a ${bodyBytes}-byte body from memory`]: `/__baseline/probe/body?n=${bodyBytes}`,
    'one D1 query': '/__baseline/probe/d1',
    'one KV read (the summary)': `/__baseline/probe/kv?key=${encodeURIComponent(key ?? '')}`,
    'one SHA-256': `/__baseline/probe/sha256?s=${'x'.repeat(43)}`,
    ...(rt.config.ratelimits.length ? { 'one rate-limit check': '/__baseline/probe/ratelimit' } : {}),
  };
  const out = {};
  for (const [name, p] of Object.entries(paths)) {
    const route = { url: new URL(p, rt.url), headers: {}, status: 200 };
    await runLoad({ concurrency: CONCURRENCY, durationMs: 500, ...load(route) });
    const mon = monitor(() => rt.pid);
    const m = await runLoad({ concurrency: CONCURRENCY, durationMs: quick ? 1500 : 3000, ...load(route) });
    const use = mon.stop();
    out[name] = { requestsPerSecond: m.requestsPerSecond, p50Ms: m.p50Ms, workerdCpuMsPerRequest: (use.workerdCpuS * 1000) / m.requests };
  }
  return out;
}
