// Calendar intervals of a range of local days: ISO weeks (Monday to Sunday) or months. The
// first and last are clipped to the range and flagged `partial`, so no point covers a day
// outside what was asked and none pretends to be a whole week or month when it is not.
import { addDays, type Range } from '../platform/time.ts';

export const INTERVALS = ['week', 'month'] as const;
export type IntervalKind = (typeof INTERVALS)[number];
export type Bucket = { label: string; from: string; to: string; partial: boolean };

const weekday = (day: string) => (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6

/** ISO 8601 week label (YYYY-Www): the week belongs to the year of its Thursday. */
export function isoWeek(day: string): string {
  const thursday = addDays(day, 3 - weekday(day));
  const year = thursday.slice(0, 4);
  const jan4 = `${year}-01-04`;
  const firstThursday = addDays(jan4, 3 - weekday(jan4));
  const week = 1 + Math.round((Date.parse(`${thursday}T00:00:00Z`) - Date.parse(`${firstThursday}T00:00:00Z`)) / (7 * 86_400_000));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

function wholeInterval(day: string, kind: IntervalKind): Range {
  if (kind === 'week') {
    const from = addDays(day, -weekday(day));
    return { from, to: addDays(from, 6) };
  }
  const from = `${day.slice(0, 7)}-01`;
  const [y, m] = [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  return { from, to: addDays(next, -1) };
}

/** The range's intervals in order, clipped to it. */
export function intervalsOf(range: Range, kind: IntervalKind): Bucket[] {
  const out: Bucket[] = [];
  for (let day = range.from; day <= range.to; ) {
    const whole = wholeInterval(day, kind);
    const from = whole.from < range.from ? range.from : whole.from;
    const to = whole.to > range.to ? range.to : whole.to;
    out.push({ label: kind === 'week' ? isoWeek(whole.from) : whole.from.slice(0, 7), from, to, partial: from !== whole.from || to !== whole.to });
    day = addDays(to, 1);
  }
  return out;
}
