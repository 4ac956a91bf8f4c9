// Follow-up cases: alert rules are matched inside the ingest batch, so a case opens in the
// same transaction as its event, once per messageId (a unique index), whatever the retries.
import { invalid } from '../platform/problem.ts';
import { SCORE_RANGE, type SURVEYS } from '../metrics/definitions.ts';
import { markDaysStatement } from '../rollup/dirty-days.ts';

export type Rule = { key: string; survey: string | null; maxScore: number | null; outcome: string | null; criticalOnly: boolean };

// Binds ?1 workspace, ?2 the request's rows as JSON (messageId in `m`); the others add ?3 now.
// CROSS JOIN keeps json_each as the outer loop, so each row is one index lookup rather than
// a scan of the workspace's events.
const OPEN_CASES = `
INSERT INTO cases (id, workspace_id, customer_id, touchpoint, owner, rule, message_id, status, opened_at)
SELECT lower(hex(randomblob(8))), e.workspace_id, e.customer_id, e.touchpoint,
  coalesce(tp.owner, w.default_owner, 'unassigned'), MIN(r."key"), e.message_id, 'open', e.ts
FROM json_each(?2) j
CROSS JOIN events e ON e.workspace_id = ?1 AND e.message_id = j.value->>'m' AND e.type IN ('response', 'interaction')
JOIN workspaces w ON w.id = ?1
LEFT JOIN touchpoints tp ON tp.workspace_id = ?1 AND tp."key" = e.touchpoint
JOIN alert_rules r ON r.workspace_id = ?1 AND (
  (r.survey IS NOT NULL AND e.type = 'response' AND e.survey = r.survey AND e.score <= r.max_score)
  OR (r.outcome IS NOT NULL AND e.type = 'interaction' AND e.outcome = r.outcome AND (r.critical_only = 0 OR tp.critical = 1)))
WHERE true
GROUP BY e.message_id
ON CONFLICT (workspace_id, message_id) DO NOTHING
RETURNING id`;

// A case is also a ticket (`case-<id>`), received when its event happened.
const CASE_TICKETS = `
INSERT INTO events (workspace_id, message_id, type, customer_id, ts, day, received_at, touchpoint, channel, status, ticket_id)
SELECT c.workspace_id, 'case-' || c.id || ':opened', 'ticket', c.customer_id, e.ts, e.day, ?3, e.touchpoint, e.channel, 'opened', 'case-' || c.id
FROM json_each(?2) j
CROSS JOIN cases c ON c.workspace_id = ?1 AND c.message_id = j.value->>'m'
CROSS JOIN events e ON e.workspace_id = ?1 AND e.message_id = c.message_id
WHERE true
ON CONFLICT (workspace_id, message_id) DO NOTHING`;

const QUEUE_DELIVERIES = `
INSERT INTO deliveries (id, workspace_id, case_id, status, attempts, created_at, updated_at)
SELECT 'dl_' || c.id, c.workspace_id, c.id, 'pending', 0, ?3, ?3
FROM json_each(?2) j
CROSS JOIN cases c ON c.workspace_id = ?1 AND c.message_id = j.value->>'m'
JOIN webhooks h ON h.workspace_id = ?1 AND h.disabled_at IS NULL
WHERE true
ON CONFLICT (case_id) DO NOTHING
RETURNING id`;

export const CASE_SQL = { OPEN_CASES, CASE_TICKETS, QUEUE_DELIVERIES };

/** Statements appended to the ingest batch; results: [opened cases, -, new deliveries]. */
export function caseStatements(d1: D1Database, ws: string, rows: string, now: number): D1PreparedStatement[] {
  return [
    d1.prepare(OPEN_CASES).bind(ws, rows),
    d1.prepare(CASE_TICKETS).bind(ws, rows, now),
    d1.prepare(QUEUE_DELIVERIES).bind(ws, rows, now),
  ];
}

export function checkRule(rule: { survey?: (typeof SURVEYS)[number]; maxScore?: number }) {
  if (rule.survey && rule.maxScore !== undefined) {
    const [min, max] = SCORE_RANGE[rule.survey];
    if (rule.maxScore < min || rule.maxScore > max) {
      throw invalid([{ path: 'maxScore', message: `for ${rule.survey} a maxScore is from ${min} to ${max}` }]);
    }
  }
}

export type CaseRow = {
  id: string;
  customer_id: string;
  touchpoint: string | null;
  owner: string;
  rule: string;
  message_id: string;
  status: 'open' | 'resolved';
  opened_at: number;
  resolved_at: number | null;
  note: string | null;
};

export const caseOut = (c: CaseRow) => ({
  id: c.id,
  ticketId: `case-${c.id}`,
  customerId: c.customer_id,
  touchpoint: c.touchpoint,
  owner: c.owner,
  rule: c.rule,
  messageId: c.message_id,
  status: c.status,
  openedAt: new Date(c.opened_at).toISOString(),
  resolvedAt: c.resolved_at === null ? null : new Date(c.resolved_at).toISOString(),
  note: c.note,
});

export async function listCases(d1: D1Database, ws: string, status: 'open' | 'resolved' | undefined, limit = 500) {
  const { results } = await d1
    .prepare(
      `SELECT * FROM cases WHERE workspace_id = ?1 AND (?2 IS NULL OR status = ?2) ORDER BY opened_at DESC, id LIMIT ?3`,
    )
    .bind(ws, status ?? null, limit)
    .all<CaseRow>();
  return results.map(caseOut);
}

/**
 * Resolves a case: records a `resolved` ticket event (so resolution metrics see it) and
 * marks that day for the rollup. Resolving twice changes nothing. Null when not found.
 */
export async function resolveCase(d1: D1Database, ws: string, id: string, note: string | null, day: string, now: number) {
  const found = await d1.prepare('SELECT * FROM cases WHERE workspace_id = ?1 AND id = ?2').bind(ws, id).first<CaseRow>();
  if (!found) return null;
  if (found.status === 'resolved') return caseOut(found);
  await d1.batch([
    d1
      .prepare(`UPDATE cases SET status = 'resolved', resolved_at = ?3, note = ?4 WHERE workspace_id = ?1 AND id = ?2 AND status = 'open'`)
      .bind(ws, id, now, note),
    d1
      .prepare(
        `INSERT INTO events (workspace_id, message_id, type, customer_id, ts, day, received_at, touchpoint, status, ticket_id)
         VALUES (?1, 'case-' || ?2 || ':resolved', 'ticket', ?3, ?4, ?5, ?4, ?6, 'resolved', 'case-' || ?2)
         ON CONFLICT (workspace_id, message_id) DO NOTHING`,
      )
      .bind(ws, id, found.customer_id, now, day, found.touchpoint),
    markDaysStatement(d1, ws, [day]),
  ]);
  const after = await d1.prepare('SELECT * FROM cases WHERE workspace_id = ?1 AND id = ?2').bind(ws, id).first<CaseRow>();
  return caseOut(after!);
}
