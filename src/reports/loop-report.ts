// Loop figures by owner or by rule: who closes their cases in time, which rules open the most.
// Only the loop section: an owner or a rule has no NPS or reach of its own.
import { periodBounds, type Range } from '../platform/time.ts';
import { loopOut } from '../metrics/definitions.ts';
import { groupCasesBy, loopFigures, rootCauseCounts } from '../rollup/tickets.ts';
import { PeriodFacts } from './period-facts.ts';
import { reportEnvelope } from './reports.ts';

export const LOOP_BREAKDOWNS = ['owner', 'rule'] as const;
export type LoopBy = (typeof LOOP_BREAKDOWNS)[number];

export async function loopReport(d1: D1Database, ws: string, tz: string, range: Range, by: LoopBy, facts = new PeriodFacts(d1)) {
  const { start, end } = periodBounds(range.from, range.to, tz);
  const groups = groupCasesBy(await facts.cases(ws, start, end), by);
  const rows = [...groups]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, g]) => ({ key, loop: loopOut(loopFigures(g)), rootCauses: rootCauseCounts(g) }));
  return { ...reportEnvelope(range, tz), by, rows };
}
