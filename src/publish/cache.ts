// Report JSON lives in KV under keys that carry the workspace's report generation (kept in
// D1, which is consistent): a rollup bumps the generation, so a stale copy is never read
// and old keys simply expire. Nothing relies on KV deletes.
import { sha256Hex } from '../platform/crypto.ts';
import { Memo } from '../platform/memo.ts';
import { periodBounds, PERIODS, standardRange, yesterdayIn } from '../platform/time.ts';
import { journeyFor } from '../journey/journey.ts';
import { prioritiesFor } from '../journey/priorities.ts';
import { prefetchChurnExposure } from '../journey/churn-exposure.ts';
import { empathyReport } from '../journey/empathy.ts';
import { themesReport } from '../reports/themes-report.ts';
import { PeriodFacts } from '../reports/period-facts.ts';
import { factsBasis, KvFactStore } from './fact-store.ts';
import { trendReport } from '../reports/trend.ts';
import { BREAKDOWNS, breakdownReport, dailyReport, previousRange, summaryReport, type Range } from '../reports/reports.ts';
import { ApiError } from '../platform/problem.ts';

const TTL_SECONDS = 8 * 24 * 3600;

export type Cached = { body: string; etag: string; complete: boolean };


// Hot reads skip KV: a report body is kept in the isolate by its versioned key, under which it
// never changes. The generation itself is never cached: every caller reads it with its key or
// session (one query), so a late event's new generation is seen at once.
const bodies = new Memo<Cached>(10 * 60_000, 2_000, 8 * 1024 * 1024);
// Uncached reports being computed in this isolate, by key: identical requests share one computation.
const inflight = new Map<string, Promise<Cached>>();
/**
 * Uncached computations are budgeted per workspace, not per key (COMPUTE_LIMITER): several
 * read keys of one workspace must not be able to starve the database of other tenants.
 */
const BUDGET_PERIOD = 60;


const cacheKey = (ws: string, gen: number, name: string, range: Range) => `report/${ws}/${gen}/${name}/${range.from}/${range.to}`;

/**
 * Every report says whether its days are all rolled up: `pendingDays` of its range (for the
 * summary, of the previous period too, which it also shows) and `complete` when there are none.
 */
async function withCompleteness(facts: PeriodFacts, ws: string, tz: string, name: string, range: Range, value: unknown, now: number) {
  const from = name === 'summary' ? previousRange(range).from : range.from;
  // A rebuild's reports share two ranges per period (the summary's reaches back): read once each.
  const { pending: pendingDays, before } = await facts.completeness(ws, from, range.to, yesterdayIn(tz, now));
  return { ...(value as object), complete: pendingDays === 0 && before === 0, pendingDays, ...(before ? { daysBeforeHistory: before } : {}) };
}

async function store(kv: KVNamespace, key: string, value: { complete: boolean }): Promise<Cached> {
  const body = JSON.stringify(value);
  const etag = `"${(await sha256Hex(body)).slice(0, 32)}"`;
  await kv.put(key, body, { expirationTtl: TTL_SECONDS, metadata: { etag, complete: value.complete } });
  const cached = { body, etag, complete: value.complete };
  bodies.set(key, cached, body.length * 2);
  return cached;
}

/** The cached report, or computed from the rollup tables and cached on a miss. `generation`: read with the request's key or session. */
export async function cachedReport(
  d1: D1Database,
  kv: KVNamespace,
  ws: string,
  tz: string,
  name: string,
  range: Range,
  compute: () => Promise<unknown>,
  generation: number,
  budget?: RateLimit,
): Promise<Cached> {
  const key = cacheKey(ws, generation, name, range);
  const inMemory = bodies.get(key);
  if (inMemory) return inMemory;
  // The same report asked for again while it is read or computed waits for that one (registered
  // before the first await, so that concurrent requests cannot each start their own).
  const running = inflight.get(key);
  if (running) return running;
  const work = (async (): Promise<Cached> => {
    const hit = await kv.getWithMetadata<{ etag: string; complete?: boolean }>(key, 'text');
    if (hit.value !== null && hit.metadata?.etag) {
      const cached = { body: hit.value, etag: hit.metadata.etag, complete: hit.metadata.complete === true };
      bodies.set(key, cached, cached.body.length * 2);
      return cached;
    }
    if (budget && !(await budget.limit({ key: `compute:${ws}` })).success) {
      throw new ApiError(429, 'report-budget', `This workspace computed too many uncached reports; retry after ${BUDGET_PERIOD} seconds or read a standard period.`, undefined, {
        'retry-after': String(BUDGET_PERIOD),
      });
    }
    return store(kv, key, await withCompleteness(new PeriodFacts(d1), ws, tz, name, range, await compute(), Date.now()));
  })();
  inflight.set(key, work);
  try {
    return await work;
  } finally {
    inflight.delete(key);
  }
}

/** Every report a standard period has, by cache name; `facts` shares period queries between them. */
export function standardReports(d1: D1Database, ws: string, tz: string, range: Range, facts = new PeriodFacts(d1)): [string, () => Promise<unknown>][] {
  return [
    ['summary', () => summaryReport(d1, ws, tz, range, facts)],
    ['daily', () => dailyReport(d1, ws, tz, range, facts)],
    ...BREAKDOWNS.map((by): [string, () => Promise<unknown>] => [`breakdown-${by}`, () => breakdownReport(d1, ws, tz, range, by, facts)]),
    ['journey', () => journeyFor(d1, ws, tz, range, null, facts)],
    ['priorities', () => prioritiesFor(d1, ws, tz, range, facts)],
    // The dashboard's trend chart: one daily_metrics read per period.
    ['trend-week-nps', () => trendReport(d1, ws, tz, range, 'week', 'nps')],
    // What customers say, and the empathy map unfiltered (a filtered one is computed on a miss).
    ['themes', () => themesReport(d1, ws, tz, range, facts)],
    ['empathy', () => empathyReport(d1, ws, tz, range, { segment: null, stage: null }, facts)],
  ];
}

/** After a rollup: a new generation, and the standard periods' reports prebuilt under it. */
export async function rebuildReports(d1: D1Database, kv: KVNamespace, ws: string, tz: string, now = Date.now()): Promise<number> {
  const row = await d1
    .prepare('UPDATE rollup_state SET report_gen = report_gen + 1 WHERE workspace_id = ?1 RETURNING report_gen')
    .bind(ws)
    .first<{ report_gen: number }>();
  const gen = row?.report_gen ?? 0;
  // Facts that only a rollup can change are reused from the last rebuild when none happened since.
  const kept = new KvFactStore(kv, ws, await factsBasis(d1, ws));
  const facts = new PeriodFacts(d1, kept);
  const ranges = PERIODS.map((period) => standardRange(period, tz, now));
  // Who was active when, for every period and the one before it (summary's `previous`), in one pass.
  await facts.prefetchLifecycle(ws, ranges.flatMap((r) => [r, previousRange(r)]).map((r) => periodBounds(r.from, r.to, tz)));
  // The priorities' churn exposure of every period, in one more pass.
  await prefetchChurnExposure(d1, ws, facts, ranges.map((r) => periodBounds(r.from, r.to, tz)));
  // A period's reports run side by side: D1 answers one query at a time, but the JavaScript
  // and the KV writes of one report overlap the next one's queries.
  for (const range of ranges) {
    await Promise.all(
      standardReports(d1, ws, tz, range, facts).map(async ([name, compute]) =>
        store(kv, cacheKey(ws, gen, name, range), await withCompleteness(facts, ws, tz, name, range, await compute(), now)),
      ),
    );
  }
  await kept.flush(d1);
  return gen;
}
