import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays, daysBetween } from '../src/platform/time.ts';
import { intervalsOf, isoWeek } from '../src/reports/intervals.ts';

describe('trend intervals: ISO weeks and calendar months, clipped to the range', () => {
  it('labels ISO weeks by the year of their Thursday', () => {
    expect(isoWeek('2026-01-01')).toBe('2026-W01'); // a Thursday
    expect(isoWeek('2027-01-01')).toBe('2026-W53'); // a Friday: its Thursday is 2026-12-31
    expect(isoWeek('2024-12-30')).toBe('2025-W01'); // a Monday whose Thursday is 2025-01-02
    expect(isoWeek('2021-01-03')).toBe('2020-W53'); // a Sunday
    expect(isoWeek('2026-11-09')).toBe('2026-W46');
  });

  it('splits a range that starts on a Wednesday and ends mid-month', () => {
    expect(intervalsOf({ from: '2026-11-04', to: '2026-11-22' }, 'week')).toEqual([
      { label: '2026-W45', from: '2026-11-04', to: '2026-11-08', partial: true },
      { label: '2026-W46', from: '2026-11-09', to: '2026-11-15', partial: false },
      { label: '2026-W47', from: '2026-11-16', to: '2026-11-22', partial: false },
    ]);
    expect(intervalsOf({ from: '2024-01-15', to: '2024-03-10' }, 'month')).toEqual([
      { label: '2024-01', from: '2024-01-15', to: '2024-01-31', partial: true },
      { label: '2024-02', from: '2024-02-01', to: '2024-02-29', partial: false },
      { label: '2024-03', from: '2024-03-01', to: '2024-03-10', partial: true },
    ]);
    expect(intervalsOf({ from: '2026-12-28', to: '2027-01-03' }, 'month').map((b) => b.label)).toEqual(['2026-12', '2027-01']);
  });

  it('covers every day of any range exactly once, each bucket inside one week or month (property)', () => {
    const day = fc.integer({ min: 0, max: 3000 }).map((n) => addDays('2020-01-01', n));
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 365 }), fc.constantFrom('week' as const, 'month' as const), (from, len, kind) => {
        const to = addDays(from, len);
        const buckets = intervalsOf({ from, to }, kind);
        expect(buckets[0].from).toBe(from);
        expect(buckets.at(-1)!.to).toBe(to);
        buckets.forEach((b, i) => {
          if (i > 0) expect(b.from).toBe(addDays(buckets[i - 1].to, 1));
          const days = daysBetween(b.from, b.to) + 1;
          if (kind === 'week') {
            expect(isoWeek(b.from)).toBe(isoWeek(b.to));
            expect(b.partial).toBe(days !== 7);
          } else {
            expect(b.from.slice(0, 7)).toBe(b.to.slice(0, 7));
            expect(b.partial).toBe(b.from.slice(8) !== '01' || addDays(b.to, 1).slice(8) !== '01');
          }
        });
      }),
    );
  });
});
