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

// One ordered pass over the period's interactions and answers, grouped by customer: their latest
// NPS answer (by time, then seq) and the value of their interactions. (Joining a per-customer
// CTE of values to one of answers let SQLite scan the first once per row of the second: 234 s
// of the 1M-event day's rebuild in `npm run bench` at f623996.)
const VALUE_BY_NPS_GROUP = `
WITH ev AS (
  SELECT customer_id, type, value, score, type = 'response' AND survey = 'nps' AS nps,
    row_number() OVER (PARTITION BY customer_id, type = 'response' AND survey = 'nps' ORDER BY ts DESC, seq DESC) AS rn
  FROM events_by_day WHERE workspace_id = ?1 AND day BETWEEN ?2 AND ?3 AND type IN ('interaction', 'response')
), per AS (
  SELECT customer_id, MAX(CASE WHEN nps AND rn = 1 THEN score END) AS score, SUM(CASE WHEN type = 'interaction' THEN value END) AS v
  FROM ev GROUP BY customer_id
)
SELECT coalesce(c.segment, '') AS seg,
  CASE WHEN p.score >= 9 THEN 'promoters' WHEN p.score >= 7 THEN 'passives' ELSE 'detractors' END AS g,
  COUNT(*) AS customers, coalesce(SUM(p.v), 0) AS value
FROM per p LEFT JOIN customers c ON c.workspace_id = ?1 AND c.customer_id = p.customer_id
WHERE p.score IS NOT NULL
GROUP BY seg, g`;
export const VALUE_SQL = { VALUE_BY_NPS_GROUP };

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
