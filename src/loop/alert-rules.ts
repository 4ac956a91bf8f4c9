// The workspace's alert rules: which events open a follow-up case (see cases.ts for matching),
// the case's SLA and who it escalates to (see escalation.ts).
import type { SURVEYS } from '../metrics/definitions.ts';

export type RuleInput = {
  survey?: (typeof SURVEYS)[number]; maxScore?: number; outcome?: 'failure' | 'abandoned'; criticalOnly?: boolean;
  slaHours?: number; escalateTo?: string;
};
type RuleRow = {
  key: string; survey: string | null; max_score: number | null; outcome: string | null; critical_only: number;
  sla_hours: number | null; escalate_to: string | null;
};
export type RuleView = {
  key: string; survey: string | null; maxScore: number | null; outcome: string | null; criticalOnly: boolean;
  slaHours: number | null; escalateTo: string | null;
};

const view = (r: RuleRow): RuleView => ({
  key: r.key, survey: r.survey, maxScore: r.max_score, outcome: r.outcome, criticalOnly: !!r.critical_only,
  slaHours: r.sla_hours, escalateTo: r.escalate_to,
});

export async function putRule(d1: D1Database, ws: string, key: string, rule: RuleInput, now: number): Promise<RuleView> {
  const row = await d1
    .prepare(
      `INSERT INTO alert_rules (workspace_id, "key", survey, max_score, outcome, critical_only, sla_hours, escalate_to, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
       ON CONFLICT (workspace_id, "key") DO UPDATE SET survey = excluded.survey, max_score = excluded.max_score,
         outcome = excluded.outcome, critical_only = excluded.critical_only, sla_hours = excluded.sla_hours,
         escalate_to = excluded.escalate_to, updated_at = excluded.updated_at
       RETURNING *`,
    )
    .bind(ws, key, rule.survey ?? null, rule.maxScore ?? null, rule.outcome ?? null, rule.criticalOnly ? 1 : 0,
      rule.slaHours ?? null, rule.escalateTo ?? null, now)
    .first<RuleRow>();
  return view(row!);
}

export async function listRules(d1: D1Database, ws: string): Promise<RuleView[]> {
  const { results } = await d1.prepare('SELECT * FROM alert_rules WHERE workspace_id = ?1 ORDER BY "key"').bind(ws).all<RuleRow>();
  return results.map(view);
}

/** False when the workspace has no rule with that key. */
export async function deleteRule(d1: D1Database, ws: string, key: string): Promise<boolean> {
  const res = await d1.prepare('DELETE FROM alert_rules WHERE workspace_id = ?1 AND "key" = ?2').bind(ws, key).run();
  return (res.meta.changes ?? 0) > 0;
}
