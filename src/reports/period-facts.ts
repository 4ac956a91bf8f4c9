// What the reports of one rebuild (or one request) share: each period's non-additive facts
// and distinct-customer counts are read once, however many reports ask for them.
import type { Range } from '../platform/time.ts';
import { lifecycleByPeriods, lifecycleBySegment, type Span } from '../rollup/lifecycle.ts';
import { aggregateTickets, casesInPeriod, ticketsInPeriod } from '../rollup/tickets.ts';
import type { Dim } from '../metrics/definitions.ts';
import { worthByNpsGroup } from './value.ts';
import { daysBeforeHistory, pendingIn } from '../rollup/dirty-days.ts';
import { loadInventory } from '../workspace/inventory.ts';

// daily_customers has one row per (day, customer) with its segment and the [touchpoint, channel,
// stage] it interacted at: every distinct count groups those places by one of these.
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
      `SELECT ${REACH_KEYS[by]} AS k, COUNT(DISTINCT customer_id) AS n FROM (
         SELECT dc.day, dc.customer_id, dc.segment, t.value->>0 AS touchpoint, t.value->>1 AS channel, t.value->>2 AS stage
         FROM daily_customers dc, json_each(dc.touches) t
         WHERE dc.workspace_id = ?1 AND dc.day BETWEEN ?2 AND ?3 AND (?4 IS NULL OR dc.segment = ?4))
       GROUP BY k`,
    )
    .bind(ws, range.from, range.to, segment)
    .all<{ k: string; n: number }>();
  return new Map(results.map((r) => [r.k, r.n]));
}

/**
 * Where a rebuild keeps the facts that do not depend on who was active, from one rebuild to the
 * next: valid while their basis (rollup_state.facts_gen, the touchpoints, the code) stays as it
 * was (src/publish/fact-store.ts).
 */
export type FactStore = {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
};

/**
 * Period facts, each read once: lifecycle per segment, tickets and cases of [start, end), and
 * distinct customers per key. A rebuild's summary, breakdowns, journey and priorities share
 * them (per standard period: 3 lifecycle, 6 ticket and 12 distinct-customer queries became
 * one pass for all periods, 2 and 8). With a store, the facts read from raw events or
 * distinct customers (not lifecycle, not cases: those change without a rollup) outlive the
 * rebuild: a late lifecycle event then recomputes who was active and nothing else.
 */
export class PeriodFacts {
  private readonly memo = new Map<string, Promise<unknown>>();

  private readonly d1: D1Database;

  private readonly store: FactStore | null;

  constructor(d1: D1Database, store: FactStore | null = null) {
    this.d1 = d1;
    this.store = store;
  }

  /** A fact read once per rebuild (or request), whoever asks first. */
  share<T>(key: string, load: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) this.memo.set(key, (p = load()));
    return p;
  }

  /** Like `share`, and kept in the store (when there is one) for the next rebuild. */
  keep<T>(key: string, load: () => Promise<T>): Promise<T> {
    const store = this.store;
    if (!store) return this.share(key, load);
    return this.share(key, async () => {
      const kept = (await store.get(key)) as T | undefined;
      if (kept !== undefined) return kept;
      const value = await load();
      await store.put(key, value);
      return value;
    });
  }

  private static lifecycleKey = (ws: string, p: Span) => `lifecycle/${ws}/${p.start}/${p.end}`;

  lifecycle(ws: string, start: number, end: number) {
    return this.share(PeriodFacts.lifecycleKey(ws, { start, end }), () => lifecycleBySegment(this.d1, ws, start, end));
  }

  /** Reads the lifecycle of all these periods in one pass, for the reports that will ask. */
  prefetchLifecycle(ws: string, periods: Span[]): Promise<void> {
    return this.prefetch(periods.map((p) => PeriodFacts.lifecycleKey(ws, p)), (fresh) => lifecycleByPeriods(this.d1, ws, fresh.map((i) => periods[i])));
  }

  /**
   * Loads the facts of several keys at once (`loadAll` gets the indexes of those not read yet and
   * answers in their order), for reports that will ask for them one by one with `share`.
   */
  prefetch<T>(keys: string[], loadAll: (fresh: number[]) => Promise<T[]>): Promise<void> {
    const fresh = keys.map((k, i) => (this.memo.has(k) ? -1 : i)).filter((i) => i >= 0);
    if (!fresh.length) return Promise.resolve();
    const all = loadAll(fresh);
    fresh.forEach((k, at) => {
      const one = all.then((r) => r[at]);
      one.catch(() => {}); // the caller sees the failure through the returned promise
      this.memo.set(keys[k], one);
    });
    return all.then(() => undefined);
  }

  private tickets(ws: string, start: number, end: number) {
    return this.share(`tickets/${ws}/${start}/${end}`, () => ticketsInPeriod(this.d1, ws, start, end));
  }

  /** Ticket figures of the tickets received in [start, end), per key of one dimension. */
  ticketGroups(ws: string, start: number, end: number, dim: Dim) {
    return this.keep(`ticketGroups/${ws}/${start}/${end}/${dim}`, async () => aggregateTickets(await this.tickets(ws, start, end), dim));
  }

  cases(ws: string, start: number, end: number) {
    return this.share(`cases/${ws}/${start}/${end}`, () => casesInPeriod(this.d1, ws, start, end));
  }

  worthByNpsGroup(ws: string, range: Range) {
    return this.keep(`worth/${ws}/${range.from}/${range.to}`, () => worthByNpsGroup(this.d1, ws, range));
  }

  /** The configured stages and touchpoints, read once per rebuild for every report that needs them. */
  inventory(ws: string) {
    return this.share(`inventory/${ws}`, () => loadInventory(this.d1, ws));
  }

  /** Days of [from, to] still waiting for a rollup, and days before the history floor holding events. */
  completeness(ws: string, from: string, to: string, yesterday: string) {
    return this.share(`complete/${ws}/${from}/${to}/${yesterday}`, async () => {
      const [pending, before] = await Promise.all([pendingIn(this.d1, ws, from, to, yesterday), daysBeforeHistory(this.d1, ws, from, to)]);
      return { pending, before };
    });
  }

  reach(ws: string, range: Range, by: ReachKey, segment: string | null = null) {
    return this.keep(`reach/${ws}/${range.from}/${range.to}/${by}/${segment === null ? '*' : `=${encodeURIComponent(segment)}`}`, () => reach(this.d1, ws, range, by, segment));
  }
}
