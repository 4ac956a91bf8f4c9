// Who was active when is not additive across days, so churn and retention are computed for
// the exact period [start, end) from the raw lifecycle events, through a covering index.
import type { Lifecycle } from '../metrics/definitions.ts';
import { EMPTY_ROW } from './counts.ts';
import { claimMarks } from './marks.ts';

// Each lifecycle event with the time of the customer's next one (ties in time go by arrival):
// the event is the customer's latest before instant t exactly when ts < t <= next_ts (or it
// has no next). One ordered pass (the events_lifecycle index covers it) then answers "active
// at t" for any number of instants. Binds ?1 workspace and, in `until`, the last instant.
const lifecycleSpans = (until: string) => `lc AS (
  SELECT customer_id, status, ts, LEAD(ts) OVER (PARTITION BY customer_id ORDER BY ts, seq) AS next_ts
  FROM events WHERE workspace_id = ?1 AND type = 'lifecycle' AND ts < ${until}
)`;
const activeAt = (t: string) => `status = 'started' AND ts < ${t} AND (next_ts IS NULL OR next_ts >= ${t})`;

/**
 * `lc` and `per` for several periods in one pass: per customer, a0_i (active at the start of
 * period i: their latest lifecycle event before it is `started`), a1_i (active at its end, with
 * `withEnd`) and ch_i (a `churned` event inside it). `until`: the latest end; `start(i)`,
 * `end(i)`: each period's placeholders (ms).
 */
export function lifecyclePerCustomer(periods: number, until: string, start: (i: number) => string, end: (i: number) => string, withEnd = false) {
  const cols = Array.from({ length: periods }, (_, i) =>
    [
      `MAX(${activeAt(start(i))}) AS a0_${i}`,
      ...(withEnd ? [`MAX(${activeAt(end(i))}) AS a1_${i}`] : []),
      `MAX(status = 'churned' AND ts >= ${start(i)} AND ts < ${end(i)}) AS ch_${i}`,
    ].join(', '),
  );
  return `${lifecycleSpans(until)}, per AS (SELECT customer_id, ${cols.join(', ')} FROM lc GROUP BY customer_id)`;
}

// Per segment, for each period: ?2 the latest end, then each period's start and end.
function lifecycleSql(periods: number) {
  const sums = Array.from({ length: periods }, (_, i) => `SUM(a0_${i}) AS s_${i}, SUM(a1_${i}) AS e_${i}, SUM(a0_${i} AND ch_${i}) AS c_${i}, SUM(a1_${i} AND NOT a0_${i}) AS n_${i}`);
  return `WITH ${lifecyclePerCustomer(periods, '?2', (i) => `?${3 + 2 * i}`, (i) => `?${4 + 2 * i}`, true)}
SELECT coalesce(c.segment, '') AS seg, ${sums.join(', ')}
FROM per LEFT JOIN customers c ON c.workspace_id = ?1 AND c.customer_id = per.customer_id
GROUP BY seg`;
}

// At most 20 periods per statement: each binds two parameters per period and D1 takes at most 100.
const PERIODS_PER_STATEMENT = 20;
export type Span = { start: number; end: number };

/** `load` run on the periods 20 at a time (one statement each), its answers in the periods' order. */
export async function inPeriodChunks<T>(periods: Span[], load: (part: Span[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let at = 0; at < periods.length; at += PERIODS_PER_STATEMENT) out.push(...(await load(periods.slice(at, at + PERIODS_PER_STATEMENT))));
  return out;
}

/** Lifecycle counts per segment key ('' = no segment) of each period [start, end), in order. */
export async function lifecycleByPeriods(d1: D1Database, ws: string, periods: Span[]): Promise<Map<string, Lifecycle>[]> {
  return inPeriodChunks(periods, async (part) => {
    const { results } = await d1
      .prepare(lifecycleSql(part.length))
      .bind(ws, Math.max(...part.map((p) => p.end)), ...part.flatMap((p) => [p.start, p.end]))
      .all<Record<string, number> & { seg: string }>();
    return part.map((_, i) => new Map(results.map((r) => [r.seg, { start: r[`s_${i}`], end: r[`e_${i}`], churned: r[`c_${i}`], new: r[`n_${i}`] }])));
  });
}

export async function lifecycleBySegment(d1: D1Database, ws: string, start: number, end: number): Promise<Map<string, Lifecycle>> {
  return (await lifecycleByPeriods(d1, ws, [{ start, end }]))[0];
}

export function sumLifecycle(parts: Iterable<Lifecycle>): Lifecycle {
  const total = { start: 0, end: 0, churned: 0, new: 0 };
  for (const p of parts) {
    total.start += p.start;
    total.end += p.end;
    total.churned += p.churned;
    total.new += p.new;
  }
  return total;
}

// Who was active, per local day, from one ordered pass over every lifecycle event up to ?2 (the
// events_lifecycle index holds them in customer, time order). Per customer and day with events:
// a0 = active at the day's start (the event before the day's first one was `started`), a1 =
// active at its end (the day's last event is `started`), ch = churned that day. A customer's
// state only changes on days with events, so the days between follow by summing the changes.
export const DAY_CHANGES = `
WITH lc AS (
  SELECT customer_id, day, status,
    LAG(status) OVER w AS prev_status, LAG(day) OVER w AS prev_day, LEAD(day) OVER w AS next_day
  FROM events WHERE workspace_id = ?1 AND type = 'lifecycle' AND day <= ?2
  WINDOW w AS (PARTITION BY customer_id ORDER BY ts, seq)
), per AS (
  SELECT customer_id, day,
    MAX(CASE WHEN prev_day IS NULL OR prev_day < day THEN coalesce(prev_status = 'started', 0) END) AS a0,
    MAX(CASE WHEN next_day IS NULL OR next_day > day THEN status = 'started' END) AS a1,
    MAX(status = 'churned') AS ch
  FROM lc GROUP BY customer_id, day
)
SELECT coalesce(c.segment, '') AS seg, per.day, SUM(a0 AND ch) AS churned, SUM(a1 AND NOT a0) AS gained, SUM(a0 AND NOT a1) AS lost
FROM per LEFT JOIN customers c ON c.workspace_id = ?1 AND c.customer_id = per.customer_id
GROUP BY seg, per.day ORDER BY per.day`;

type DayChange = { seg: string; day: string; churned: number; gained: number; lost: number };

/** Lifecycle figures per segment ('' = none) of each of `days` (sorted), from one pass. */
export async function lifecycleByDays(d1: D1Database, ws: string, days: string[]): Promise<Map<string, Map<string, Lifecycle>>> {
  const out = new Map<string, Map<string, Lifecycle>>();
  if (!days.length) return out;
  const { results } = await d1.prepare(DAY_CHANGES).bind(ws, days.at(-1)).all<DayChange>();
  const active = new Map<string, number>(); // per segment, at the start of the day being walked
  let i = 0;
  for (const day of days) {
    const today = new Map<string, DayChange>();
    // Changes of earlier days move the start; the day's own give its figures.
    for (; i < results.length && results[i].day <= day; i++) {
      const r = results[i];
      if (r.day === day) today.set(r.seg, r);
      else active.set(r.seg, (active.get(r.seg) ?? 0) + r.gained - r.lost);
    }
    const bySeg = new Map<string, Lifecycle>();
    for (const seg of new Set([...active.keys(), ...today.keys()])) {
      const start = active.get(seg) ?? 0;
      const c = today.get(seg);
      bySeg.set(seg, { start, end: start + (c?.gained ?? 0) - (c?.lost ?? 0), churned: c?.churned ?? 0, new: c?.gained ?? 0 });
    }
    for (const [seg, c] of today) active.set(seg, (active.get(seg) ?? 0) + c.gained - c.lost);
    out.set(day, bySeg);
  }
  return out;
}

// Writes cust_* of the days' `all` and `segment` rows: clears the old figures of the rows that
// get none now (a customer may have moved segment) and upserts the new ones, writing only rows
// whose figures change (D1 bills every row an UPDATE writes, even one left as it was).
const CUST = ['cust_start', 'cust_end', 'cust_churned', 'cust_new'];
const CLEAR_PEOPLE = `
UPDATE daily_metrics SET ${CUST.map((c) => `${c} = NULL`).join(', ')}
WHERE workspace_id = ?1 AND dim IN ('all', 'segment') AND day IN (SELECT value FROM json_each(?2))
  AND (${CUST.map((c) => `${c} IS NOT NULL`).join(' OR ')})
  AND (day, dim, "key") NOT IN (SELECT value->>'day', value->>'dim', value->>'key' FROM json_each(?3))`;
const UPSERT_LIFECYCLE = `
INSERT INTO daily_metrics (workspace_id, day, dim, "key", cust_start, cust_end, cust_churned, cust_new, tk_received, tk_resolved, tk_awaiting)
SELECT ?1, j.value->>'day', j.value->>'dim', j.value->>'key', j.value->>'s', j.value->>'e', j.value->>'c', j.value->>'n',
  j.value->>'z', j.value->>'z', j.value->>'z'
FROM json_each(?2) j WHERE true
ON CONFLICT (workspace_id, day, dim, "key") DO UPDATE SET ${CUST.map((c) => `${c} = excluded.${c}`).join(', ')}
WHERE ${CUST.map((c) => `daily_metrics.${c} IS NOT excluded.${c}`).join(' OR ')}`;
// (A new `all` row says 0 tickets, as a day's rollup would; `z` is 0 there, null elsewhere.)
// A segment row that only said who was active goes once nobody of that segment is.
const PRUNE_SEGMENTS = `
DELETE FROM daily_metrics WHERE workspace_id = ?1 AND dim = 'segment' AND day IN (SELECT value FROM json_each(?2))
  AND ${EMPTY_ROW}`;
// A mark is cleared only if nothing marked the day again since it was read.
const CLEAR_MARKS = `
DELETE FROM dirty_days WHERE workspace_id = ?1 AND kind = 'people'
  AND (day, version) IN (SELECT value->>0, value->>1 FROM json_each(?2))`;

/** Days written per statement: keeps each JSON parameter and upsert small. */
const PASS_CHUNK = 200;

/**
 * The lifecycle pass: every `people`-marked day before `today` gets its churn, retention and new
 * customers (all, and per segment) from one ordered pass, and its mark cleared. Nothing else of
 * the day is read or written, so a late lifecycle event a year back costs this, not a year of
 * re-aggregation. Returns the number of days written.
 */
export async function lifecyclePass(d1: D1Database, ws: string, today: string): Promise<number> {
  const claimed = await claimMarks(d1, ws, "kind = 'people' AND day < ?2", today);
  const marks = [...claimed].map(([day, version]) => ({ day, version })).sort((a, b) => (a.day < b.day ? -1 : 1));
  const figures = await lifecycleByDays(d1, ws, marks.map((m) => m.day));
  for (let at = 0; at < marks.length; at += PASS_CHUNK) {
    const part = marks.slice(at, at + PASS_CHUNK);
    const rows = part.flatMap(({ day }) => {
      const bySeg = figures.get(day)!;
      const total = sumLifecycle(bySeg.values());
      const row = (dim: string, key: string, l: Lifecycle) => ({ day, dim, key, s: l.start, e: l.end, c: l.churned, n: l.new, z: dim === 'all' ? 0 : null });
      return [row('all', '', total), ...[...bySeg].filter(([, l]) => l.start || l.end || l.churned).map(([seg, l]) => row('segment', seg, l))];
    });
    await d1.batch([
      d1.prepare(CLEAR_PEOPLE).bind(ws, JSON.stringify(part.map((m) => m.day)), JSON.stringify(rows)),
      d1.prepare(UPSERT_LIFECYCLE).bind(ws, JSON.stringify(rows)),
      d1.prepare(PRUNE_SEGMENTS).bind(ws, JSON.stringify(part.map((m) => m.day))),
      d1.prepare(CLEAR_MARKS).bind(ws, JSON.stringify(part.map((m) => [m.day, m.version]))),
    ]);
  }
  return marks.length;
}
