// Business value by NPS group: what the customers of each group were worth in the period.
// A customer's group is given by their latest NPS answer in the period (promoter 9–10, passive
// 7–8, detractor 0–6); their worth is the sum of the `value` of their interactions in the
// period (0 when none carried one). Customer-level, so it exists for the whole workspace and per
// segment (a customer's current segment), not per touchpoint, channel or stage.
import type { Range } from '../platform/time.ts';
import { round2 } from '../metrics/definitions.ts';

export const NPS_GROUPS = ['promoters', 'passives', 'detractors'] as const;
export type NpsGroup = (typeof NPS_GROUPS)[number];
export type GroupWorth = { customers: number; value: number };
export type ValueByGroup = Record<NpsGroup, { customers: number; perCustomer: number | null }>;

const VALUE_BY_NPS_GROUP = `
WITH latest AS (
  SELECT customer_id, score FROM (
    SELECT customer_id, score, row_number() OVER (PARTITION BY customer_id ORDER BY ts DESC, seq DESC) AS rn
    FROM events WHERE workspace_id = ?1 AND day BETWEEN ?2 AND ?3 AND type = 'response' AND survey = 'nps')
  WHERE rn = 1
), spent AS (
  SELECT customer_id, SUM(value) AS v FROM events
  WHERE workspace_id = ?1 AND day BETWEEN ?2 AND ?3 AND type = 'interaction' AND value IS NOT NULL
  GROUP BY customer_id
)
SELECT coalesce(c.segment, '') AS seg,
  CASE WHEN l.score >= 9 THEN 'promoters' WHEN l.score >= 7 THEN 'passives' ELSE 'detractors' END AS g,
  COUNT(*) AS customers, coalesce(SUM(s.v), 0) AS value
FROM latest l LEFT JOIN spent s ON s.customer_id = l.customer_id
LEFT JOIN customers c ON c.workspace_id = ?1 AND c.customer_id = l.customer_id
GROUP BY seg, g`;

/** Per segment ('' = none) and NPS group: customers and their summed value. */
export async function worthByNpsGroup(d1: D1Database, ws: string, range: Range): Promise<Map<string, Map<NpsGroup, GroupWorth>>> {
  const { results } = await d1.prepare(VALUE_BY_NPS_GROUP).bind(ws, range.from, range.to).all<{ seg: string; g: NpsGroup } & GroupWorth>();
  const out = new Map<string, Map<NpsGroup, GroupWorth>>();
  for (const r of results) {
    const bySeg = out.get(r.seg) ?? new Map<NpsGroup, GroupWorth>();
    bySeg.set(r.g, { customers: r.customers, value: r.value });
    out.set(r.seg, bySeg);
  }
  return out;
}

/** Value per customer of each group (null when the group has no customer), from one or more segments' worth. */
export function valueByGroup(parts: Iterable<Map<NpsGroup, GroupWorth>>): ValueByGroup {
  const total = new Map<NpsGroup, GroupWorth>(NPS_GROUPS.map((g) => [g, { customers: 0, value: 0 }]));
  for (const part of parts) {
    for (const [g, w] of part) {
      const t = total.get(g)!;
      t.customers += w.customers;
      t.value += w.value;
    }
  }
  const one = (g: NpsGroup) => {
    const t = total.get(g)!;
    return { customers: t.customers, perCustomer: t.customers ? round2(t.value / t.customers) : null };
  };
  return { promoters: one('promoters'), passives: one('passives'), detractors: one('detractors') };
}
