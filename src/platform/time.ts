// Calendar days in a workspace's IANA timezone. A day runs from the first instant whose
// local date is that day to the first instant of the next one (23 or 25 hours across
// DST changes).

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(tz, f);
  }
  return f;
}

export function isValidTimeZone(tz: string): boolean {
  if (tz.length > 64) return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

// Ingest asks for the local day of every event and of `now` once per event: the last few
// answers per zone are kept by exact instant (a formatted date costs ~1 µs, a lookup ~0).
const recentDays = new Map<string, Map<number, string>>();
const RECENT = 16;

/** Local calendar day (YYYY-MM-DD) of an instant. */
export function localDay(ts: number, tz: string): string {
  let recent = recentDays.get(tz);
  const known = recent?.get(ts);
  if (known !== undefined) return known;
  // en-US writes MM/DD/Y…: format() is 3× cheaper than formatToParts() and gives the same fields.
  const [month, day, year] = formatter(tz).format(ts).split('/');
  const out = `${year}-${month}-${day}`;
  if (!recent) recentDays.set(tz, (recent = new Map()));
  else if (recent.size >= RECENT) recent.delete(recent.keys().next().value!);
  recent.set(ts, out);
  return out;
}

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isValidDay(day: string): boolean {
  const m = DAY_RE.exec(day);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (b − a). */
export function daysBetween(a: string, b: string): number {
  const ms = (s: string) => Date.parse(`${s}T00:00:00Z`);
  return Math.round((ms(b) - ms(a)) / 86_400_000);
}

/** First instant (epoch ms) whose local date in `tz` is `day` or later. */
export function dayStart(day: string, tz: string): number {
  const utcMidnight = Date.parse(`${day}T00:00:00Z`);
  // Offsets lie within ±14 h; binary-search the minute at which the local date reaches `day`.
  let lo = (utcMidnight - 15 * 3_600_000) / 60_000;
  let hi = (utcMidnight + 15 * 3_600_000) / 60_000;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDay(mid * 60_000, tz) >= day) hi = mid;
    else lo = mid + 1;
  }
  return lo * 60_000;
}

/** Half-open instant range [start, end) covering local days from..to inclusive. */
import type { FieldError } from './problem.ts';

/** An inclusive range of local days, YYYY-MM-DD. */
export type Range = { from: string; to: string };

export function periodBounds(from: string, to: string, tz: string): { start: number; end: number } {
  return { start: dayStart(from, tz), end: dayStart(addDays(to, 1), tz) };
}

/** The standard periods: the last N complete local days, ending yesterday. */
export const STANDARD_PERIODS = { '7d': 7, '30d': 30, '90d': 90 } as const;
export type Period = keyof typeof STANDARD_PERIODS;
export const PERIODS = Object.keys(STANDARD_PERIODS) as Period[];
/** The longest explicit range of a report or a rollup run. */
export const MAX_RANGE_DAYS = 366;

/** The last complete local day: the day before today in `tz`. */
export const yesterdayIn = (tz: string, now = Date.now()) => addDays(localDay(now, tz), -1);

export function standardRange(period: Period, tz: string, now = Date.now()): Range {
  const to = yesterdayIn(tz, now);
  return { from: addDays(to, -(STANDARD_PERIODS[period] - 1)), to };
}

/** What is wrong with an explicit range of complete days (from ≤ to ≤ yesterday, at most MAX_RANGE_DAYS). */
export function rangeErrors(range: Range, yesterday: string, at: { from: string; to: string }): FieldError[] {
  const errors: FieldError[] = [];
  if (range.from > range.to) errors.push({ path: at.from, message: 'from must not be after to' });
  if (range.to > yesterday) errors.push({ path: at.to, message: `only complete days: to must be ${yesterday} or earlier` });
  if (daysBetween(range.from, range.to) + 1 > MAX_RANGE_DAYS) errors.push({ path: at.to, message: `a range spans at most ${MAX_RANGE_DAYS} days` });
  return errors;
}
