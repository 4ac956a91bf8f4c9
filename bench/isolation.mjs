// Isolation: tenant A's ingest latency alone, then while tenant B of the same Worker and
// database does its worst reads: 8 read keys, 8 requests in flight, a range never asked before
// every time (so each read would be a computation). COMPUTE_LIMITER keeps its configured
// budget here (the runtime lifts every other limit), so most of B's reads become 429s.
import { bodyMaker, createWorkspace } from './events.mjs';
import { request, runLoad } from './load.mjs';
import { addDays, localDay } from './rows.mjs';
import { ADMIN_TOKEN } from './runtime.mjs';

const json = (key) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });

export async function benchIsolation(rt, { quick, pool, log }) {
  const durationMs = quick ? 4_000 : 10_000;
  const [a, b] = [await createWorkspace(rt, ADMIN_TOKEN, 'Bench tenant A'), await createWorkspace(rt, ADMIN_TOKEN, 'Bench tenant B')];
  // B gets a month of history to compute over.
  const history = bodyMaker(pool.activity, 'iso-b');
  for (let i = 0; i < (quick ? 4 : 20); i++) await request(new URL('/v1/events', rt.url), { method: 'POST', headers: json(b.keys.ingest), body: history(500) });
  const readKeys = [];
  for (let i = 0; i < 8; i++) readKeys.push((await rt.api('POST', '/v1/keys', { key: b.keys.admin, body: { scope: 'read' } })).json.key);

  const batch = bodyMaker(pool.activity, 'iso-a');
  const ingestA = () =>
    runLoad({
      concurrency: 1,
      durationMs,
      next: () => ({ url: new URL('/v1/events', rt.url), method: 'POST', headers: json(a.keys.ingest), body: batch(100) }),
      check: (res) => (res.status === 202 ? 100 : 0),
    });
  const alone = await ingestA();
  log(`isolation: tenant A alone: ingest p50 ${alone.p50Ms.toFixed(1)} ms`);

  const yesterday = addDays(localDay(Date.now(), a.timezone), -1);
  let n = 0;
  /** A's ingest while B reads through `prefix` (each read a range never asked before). */
  const underReads = async (prefix) => {
    const statuses = {};
    const reads = runLoad({
      concurrency: 8,
      durationMs: durationMs + 1_000,
      next: () => {
        n++;
        const to = addDays(yesterday, -(Math.floor(n / 300) % 60));
        const url = new URL(`${prefix}/v1/reports/priorities?from=${addDays(to, -(n % 300) - 1)}&to=${to}`, rt.url);
        return { url, headers: { authorization: `Bearer ${readKeys[n % 8]}` } };
      },
      check: (res) => {
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        return 1;
      },
    });
    const ingest = await ingestA();
    const load = await reads;
    log(`isolation: tenant A while B reads via '${prefix || '/'}': ingest p50 ${ingest.p50Ms.toFixed(1)} ms (${(ingest.p50Ms / alone.p50Ms).toFixed(2)}×); B: ${JSON.stringify(statuses)}`);
    return { ingest, bReads: { requests: load.requests, statuses } };
  };
  const budgeted = await underReads('');
  const unbudgeted = await underReads('/__unbudgeted');
  const pick = (r) => ({ p50Ms: +r.p50Ms.toFixed(2), p99Ms: +r.p99Ms.toFixed(2), eventsPerSecond: Math.round(r.perSecond) });
  return {
    alone: pick(alone),
    underLoad: pick(budgeted.ingest),
    p50Ratio: budgeted.ingest.p50Ms / alone.p50Ms,
    bReads: budgeted.bReads,
    withoutBudget: { ingest: pick(unbudgeted.ingest), p50Ratio: unbudgeted.ingest.p50Ms / alone.p50Ms, bReads: unbudgeted.bReads },
  };
}
