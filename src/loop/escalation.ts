// SLA escalation, run by the hourly cron across all workspaces. Exactly once per case: the
// one conditional UPDATE (open, not yet escalated, due) claims it, and the history event and
// the `case.overdue` delivery beside it in the same batch (a transaction) are keyed so that
// a second, concurrent sweep that finds the same cases adds nothing.

/** Cases escalated per sweep; the rest wait for the next hour (they stay overdue meanwhile). */
export const ESCALATE_BATCH = 500;

// ?1 now. The same selection in every statement: within one batch D1 sees one state.
const DUE = `SELECT id FROM cases WHERE status = 'open' AND escalated_at IS NULL AND due_at IS NOT NULL AND due_at <= ?1
  ORDER BY due_at, id LIMIT ${ESCALATE_BATCH}`;

// The rule's escalateTo, else the workspace's defaultOwner, else the owner it had.
const ESCALATED_OWNER = `coalesce(
  (SELECT r.escalate_to FROM alert_rules r WHERE r.workspace_id = c.workspace_id AND r."key" = c.rule),
  (SELECT w.default_owner FROM workspaces w WHERE w.id = c.workspace_id), c.owner)`;

const RECORD = `
INSERT INTO case_events (workspace_id, case_id, at, kind, from_value, to_value, once)
SELECT c.workspace_id, c.id, ?1, 'escalated', c.owner, ${ESCALATED_OWNER}, c.id || ':escalated'
FROM cases c WHERE c.id IN (${DUE})
ON CONFLICT (once) DO NOTHING`;

const QUEUE = `
INSERT INTO deliveries (id, workspace_id, case_id, type, status, attempts, created_at, updated_at)
SELECT 'dl_' || c.id || '_overdue', c.workspace_id, c.id, 'case.overdue', 'pending', 0, ?1, ?1
FROM cases c JOIN webhooks h ON h.workspace_id = c.workspace_id AND h.disabled_at IS NULL
WHERE c.id IN (${DUE})
ON CONFLICT (case_id, type) DO NOTHING
RETURNING id`;

const ESCALATE = `
UPDATE cases AS c SET escalated_at = ?1, owner = ${ESCALATED_OWNER}
WHERE c.id IN (${DUE}) AND c.status = 'open' AND c.escalated_at IS NULL
RETURNING id`;

export const ESCALATION_SQL = { RECORD, QUEUE, ESCALATE };

/** Escalates every overdue open case once; the ids escalated and the deliveries to enqueue. */
export async function escalateOverdue(d1: D1Database, now: number) {
  const [, queued, escalated] = await d1.batch([d1.prepare(RECORD).bind(now), d1.prepare(QUEUE).bind(now), d1.prepare(ESCALATE).bind(now)]);
  return {
    escalated: (escalated.results as { id: string }[]).map((r) => r.id),
    deliveries: (queued.results as { id: string }[]).map((r) => r.id),
  };
}
