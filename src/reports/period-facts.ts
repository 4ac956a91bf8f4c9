// What the reports of one rebuild (or one request) share: each period's non-additive facts
// and distinct-customer counts are read once, however many reports ask for them.
import type { Range } from '../platform/time.ts';
import { lifecycleByPeriods, lifecycleBySegment, type Span } from '../rollup/lifecycle.ts';
import { casesInPeriod, ticketsInPeriod } from '../rollup/tickets.ts';
import { worthByNpsGroup } from './value.ts';
import { daysBeforeHistory, pendingIn } from '../rollup/dirty-days.ts';
import { loadInventory } from '../workspace/inventory.ts';

// daily_customers has one row per (day, touchpoint, channel, customer) with its stage and
// segment: every distinct count groups those rows by one of these.
export const REACH_KEYS = {
  all: "''",
  touchpoint: 'touchpoint',
  channel: 'channel',
  stage: 'stage',
  segment: 'segment',
  stageChannel: 'stage || char(31) || channel',
  day: 'day',
} as const;
export type ReachKey = keyof typeof REACH_KEYS;

/** Distinct interacting customers of the range's days per key, of one segment or of all. */
export async function reach(d1: D1Database, ws: string, range: Range, by: ReachKey, segment: string | null = null): Promise<Map<string, number>> {
  const { results } = await d1
    .prepare(
      `SELECT ${REACH_KEYS[by]} AS k, COUNT(DISTINCT customer_id) AS n FROM daily_customers
       WHERE workspace_id = ?1 AND day BETWEEN ?2 AND ?3 AND (?4 IS NULL OR segment = ?4) GROUP BY k`,
    )
    .bind(ws, range.from, range.to, segment)
    .all<{ k: string; n: number }>();
  return new Map(results.map((r) => [r.k, r.n]));
}

/**
 * Period facts, each read once: lifecycle per segment, tickets and cases of [start, end), and
 * distinct customers per key. A rebuild's summary, breakdowns, journey and priorities share
 * them (per standard period: 3 lifecycle, 6 ticket and 12 distinct-customer queries became
 * one pass for all periods, 2 and 8).
 */
export class PeriodFacts {
  private readonly memo = new Map<string, Promise<unknown>>();

  private readonly d1: D1Database;

  constructor(d1: D1Database) {
    this.d1 = d1;
  }

  private once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) this.memo.set(key, (p = load()));
    return p;
  }

  private static lifecycleKey = (ws: string, p: Span) => `lifecycle/${ws}/${p.start}/${p.end}`;

  lifecycle(ws: string, start: number, end: number) {
    return this.once(PeriodFacts.lifecycleKey(ws, { start, end }), () => lifecycleBySegment(this.d1, ws, start, end));
  }

  /** Reads the lifecycle of all these periods in one pass, for the reports that will ask. */
  prefetchLifecycle(ws: string, periods: Span[]): Promise<void> {
    const fresh = periods.filter((p) => !this.memo.has(PeriodFacts.lifecycleKey(ws, p)));
    if (!fresh.length) return Promise.resolve();
    const all = lifecycleByPeriods(this.d1, ws, fresh);
    fresh.forEach((p, i) => {
      const one = all.then((r) => r[i]);
      one.catch(() => {}); // the caller sees the failure through the returned promise
      this.memo.set(PeriodFacts.lifecycleKey(ws, p), one);
    });
    return all.then(() => undefined);
  }

  tickets(ws: string, start: number, end: number) {
    return this.once(`tickets/${ws}/${start}/${end}`, () => ticketsInPeriod(this.d1, ws, start, end));
  }

  cases(ws: string, start: number, end: number) {
    return this.once(`cases/${ws}/${start}/${end}`, () => casesInPeriod(this.d1, ws, start, end));
  }

  worthByNpsGroup(ws: string, range: Range) {
    return this.once(`worth/${ws}/${range.from}/${range.to}`, () => worthByNpsGroup(this.d1, ws, range));
  }

  /** The configured stages and touchpoints, read once per rebuild for every report that needs them. */
  inventory(ws: string) {
    return this.once(`inventory/${ws}`, () => loadInventory(this.d1, ws));
  }

  /** Days of [from, to] still waiting for a rollup, and days before the history floor holding events. */
  completeness(ws: string, from: string, to: string, yesterday: string) {
    return this.once(`complete/${ws}/${from}/${to}/${yesterday}`, async () => {
      const [pending, before] = await Promise.all([pendingIn(this.d1, ws, from, to, yesterday), daysBeforeHistory(this.d1, ws, from, to)]);
      return { pending, before };
    });
  }

  reach(ws: string, range: Range, by: ReachKey, segment: string | null = null) {
    return this.once(`reach/${ws}/${range.from}/${range.to}/${by}/${segment ?? '\u0000'}`, () => reach(this.d1, ws, range, by, segment));
  }
}
