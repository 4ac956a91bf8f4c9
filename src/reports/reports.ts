// Reports for any range of complete local days, computed from the rollup tables: additive
// counts are summed, distinct customers counted, customers and tickets evaluated exactly
// for the period's instants.
import { addDays, daysBetween, periodBounds, type Range } from '../platform/time.ts';
import { ADDITIVE_COLUMNS, ADDITIVE_FIELDS, buildMetrics, noLifecycle, noLoop, noTickets, zeroAdditive, type Additive, type Dim, type Metrics } from '../metrics/definitions.ts';
import { sumLifecycle } from '../rollup/lifecycle.ts';
import { aggregateLoop, rootCausesBy } from '../rollup/tickets.ts';
import { changesBetween, type PeriodFigures } from '../metrics/changes.ts';
import { PeriodFacts } from './period-facts.ts';
import { valueByGroup } from './value.ts';

export type { Range };
export const BREAKDOWNS = ['touchpoint', 'channel', 'stage', 'segment'] as const;
export type By = (typeof BREAKDOWNS)[number];

/** Each additive count summed over the selected rows, under its field name (reports and the journey). */
export const ADDITIVE_SUMS = ADDITIVE_FIELDS.map((f) => `SUM(${ADDITIVE_COLUMNS[f]}) AS ${f}`).join(', ');
/** Each additive count of one row, under its field name (the daily report and the trend). */
export const PLAIN = ADDITIVE_FIELDS.map((f) => `${ADDITIVE_COLUMNS[f]} AS ${f}`).join(', ');

/** Metrics per dimension key ('' = none; for dim `all` the one key is ''). */
export async function metricsFor(d1: D1Database, ws: string, tz: string, range: Range, dim: Dim, facts = new PeriodFacts(d1)): Promise<Map<string, Metrics>> {
  const figures = await figuresFor(d1, ws, tz, range, dim, facts);
  return new Map([...figures].map(([k, f]) => [k, f.metrics]));
}

/** Metrics per dimension key with the additive sums they came from (for intervals). */
export async function figuresFor(
  d1: D1Database,
  ws: string,
  tz: string,
  range: Range,
  dim: Dim,
  facts = new PeriodFacts(d1),
): Promise<Map<string, PeriodFigures>> {
  const { start, end } = periodBounds(range.from, range.to, tz);
  const withLifecycle = dim === 'all' || dim === 'segment';
  const [sums, counts, life, ticketGroups, cases] = await Promise.all([
    d1
      .prepare(`SELECT "key" AS k, ${ADDITIVE_SUMS} FROM daily_metrics WHERE workspace_id = ?1 AND dim = ?2 AND day BETWEEN ?3 AND ?4 GROUP BY k`)
      .bind(ws, dim, range.from, range.to)
      .all<Additive & { k: string }>(),
    facts.reach(ws, range, dim),
    withLifecycle ? facts.lifecycle(ws, start, end) : Promise.resolve(new Map()),
    facts.ticketGroups(ws, start, end, dim),
    facts.cases(ws, start, end),
  ]);
  const loops = aggregateLoop(cases, dim);
  const bySeg = dim === 'all' ? new Map([['', sumLifecycle(life.values())]]) : life;
  const additive = new Map(sums.results.map((r) => [r.k, r]));
  const keys = new Set<string>(dim === 'all' ? [''] : []);
  for (const k of additive.keys()) keys.add(k);
  for (const k of ticketGroups.keys()) keys.add(k);
  for (const k of loops.keys()) keys.add(k);
  for (const [k, l] of bySeg) if (dim === 'all' || l.start || l.end || l.churned) keys.add(k);
  const out = new Map<string, PeriodFigures>();
  for (const k of keys) {
    const lifecycle = withLifecycle ? (bySeg.get(k) ?? noLifecycle()) : null;
    const sums = additive.get(k) ?? zeroAdditive();
    const metrics = buildMetrics(sums, counts.get(k) ?? 0, lifecycle, ticketGroups.get(k) ?? noTickets(), loops.get(k) ?? noLoop());
    out.set(k, { metrics, sums });
  }
  // Value by NPS group is customer-level: for the whole workspace and per segment only.
  if ((dim === 'all' || dim === 'segment') && [...out.values()].some((f) => f.metrics.value)) {
    const worth = await facts.worthByNpsGroup(ws, range);
    for (const [k, f] of out) {
      if (!f.metrics.value) continue;
      f.metrics.value.byNpsGroup = valueByGroup(dim === 'all' ? worth.values() : [worth.get(k) ?? new Map()]);
    }
  }
  return out;
}

/** What every report starts with: its range, timezone and when it was computed. */
export const reportEnvelope = (range: Range, tz: string) => ({ from: range.from, to: range.to, timezone: tz, generatedAt: new Date().toISOString() });

export function previousRange(range: Range): Range {
  const len = daysBetween(range.from, range.to) + 1;
  return { from: addDays(range.from, -len), to: addDays(range.from, -1) };
}

export async function summaryReport(d1: D1Database, ws: string, tz: string, range: Range, facts = new PeriodFacts(d1)) {
  const prev = previousRange(range);
  const [now, before] = await Promise.all([figuresFor(d1, ws, tz, range, 'all', facts), figuresFor(d1, ws, tz, prev, 'all', facts)]);
  const [a, b] = [now.get('')!, before.get('')!];
  return { ...reportEnvelope(range, tz), metrics: a.metrics, previous: { ...prev, metrics: b.metrics, changes: changesBetween(a, b) } };
}

/** Rows per key, each with the root causes its closed cases (opened in the period) were closed with. */
export async function breakdownReport(d1: D1Database, ws: string, tz: string, range: Range, by: By, facts = new PeriodFacts(d1)) {
  const { start, end } = periodBounds(range.from, range.to, tz);
  const [metrics, cases] = await Promise.all([metricsFor(d1, ws, tz, range, by, facts), facts.cases(ws, start, end)]);
  const causes = rootCausesBy(cases, by);
  const rows = [...metrics]
    .sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a < b ? -1 : a > b ? 1 : 0))
    .map(([key, m]) => ({ key: key === '' ? null : key, metrics: m, rootCauses: causes.get(key) ?? [] }));
  return { ...reportEnvelope(range, tz), by, rows };
}

type DayRow = Additive & {
  day: string;
  custStart: number | null;
  custEnd: number | null;
  custChurned: number | null;
  custNew: number | null;
  tkReceived: number | null;
  tkResolved: number | null;
  tkMedian: number | null;
  tkP90: number | null;
  tkAwaiting: number | null;
  loopCases: number | null;
  loopClosed: number | null;
  loopMedian: number | null;
  loopOverdue: number | null;
  loopSlaMet: number | null;
  loopSlaDecided: number | null;
};

/** One entry per day; each day's customers and tickets were evaluated for that day by the rollup. */
export async function dailyReport(d1: D1Database, ws: string, tz: string, range: Range, facts = new PeriodFacts(d1)) {
  const [rows, counts] = await Promise.all([
    d1
      .prepare(
        `SELECT day, ${PLAIN}, cust_start AS custStart, cust_end AS custEnd, cust_churned AS custChurned, cust_new AS custNew,
           tk_received AS tkReceived, tk_resolved AS tkResolved, tk_first_response_median AS tkMedian,
           tk_first_response_p90 AS tkP90, tk_awaiting AS tkAwaiting,
           loop_cases AS loopCases, loop_closed AS loopClosed, loop_median_hours AS loopMedian,
           loop_overdue AS loopOverdue, loop_sla_met AS loopSlaMet, loop_sla_decided AS loopSlaDecided
         FROM daily_metrics WHERE workspace_id = ?1 AND dim = 'all' AND day BETWEEN ?2 AND ?3`,
      )
      .bind(ws, range.from, range.to)
      .all<DayRow>(),
    facts.reach(ws, range, 'day'),
  ]);
  const byDay = new Map(rows.results.map((r) => [r.day, r]));
  const days = Array.from({ length: daysBetween(range.from, range.to) + 1 }, (_, i) => {
    const day = addDays(range.from, i);
    // A day with no row had no events and no lifecycle history before it: all zero.
    const r = byDay.get(day);
    const life = { start: r?.custStart ?? 0, end: r?.custEnd ?? 0, churned: r?.custChurned ?? 0, new: r?.custNew ?? 0 };
    const tickets = {
      received: r?.tkReceived ?? 0,
      resolved: r?.tkResolved ?? 0,
      medianFirstResponseMinutes: r?.tkMedian ?? null,
      p90FirstResponseMinutes: r?.tkP90 ?? null,
      awaitingFirstResponse: r?.tkAwaiting ?? 0,
    };
    const loop = {
      cases: r?.loopCases ?? 0, closed: r?.loopClosed ?? 0, medianHoursToClose: r?.loopMedian ?? null,
      overdue: r?.loopOverdue ?? 0, slaMet: r?.loopSlaMet ?? 0, slaDecided: r?.loopSlaDecided ?? 0,
    };
    return { day, metrics: buildMetrics(r ?? zeroAdditive(), counts.get(day) ?? 0, life, tickets, loop) };
  });
  return { ...reportEnvelope(range, tz), days };
}
