// Follow-up cases: alert rules are matched inside the ingest batch, so a case opens in the
// same transaction as its event, once per messageId (a unique index), whatever the retries.
import { NEXT_SEQ } from '../db/seq.ts';
import { noteEventDays } from '../db/event-days.ts';
import { invalid } from '../platform/problem.ts';
import { SCORE_RANGE, type SURVEYS } from '../metrics/definitions.ts';

export type Rule = { key: string; survey: string | null; maxScore: number | null; outcome: string | null; criticalOnly: boolean };

// due_at: r.sla_hours is the MIN(key) rule's (a bare column beside MIN), and the SLA clock
// starts when the case could first be seen, so a back-filled old event is not overdue on arrival.
// Binds ?1 workspace, ?2 the request's messageIds as a JSON array; the others add ?3 now.
// CROSS JOIN keeps json_each as the outer loop, so each row is one index lookup rather than
// a scan of the workspace's events. A workspace with no alert rule opens no case, so the four
// statements walk an empty array instead of the request's ids (json_each's argument is worked
// out once, before the loop): 500 lookups each saved on every batch of such a workspace.
const IDS = `json_each(CASE WHEN EXISTS (SELECT 1 FROM alert_rules WHERE workspace_id = ?1) THEN ?2 ELSE '[]' END) j`;
const OPEN_CASES = `
INSERT INTO cases (id, workspace_id, customer_id, touchpoint, owner, rule, message_id, status, opened_at, due_at)
SELECT lower(hex(randomblob(8))), e.workspace_id, e.customer_id, e.touchpoint,
  coalesce(tp.owner, w.default_owner, 'unassigned'), MIN(r."key"), e.message_id, 'open', e.ts,
  max(e.ts, e.received_at) + r.sla_hours * 3600000
FROM ${IDS}
CROSS JOIN events e ON e.workspace_id = ?1 AND e.message_id = j.value AND e.type IN ('response', 'interaction')
JOIN workspaces w ON w.id = ?1
LEFT JOIN touchpoints tp ON tp.workspace_id = ?1 AND tp."key" = e.touchpoint
JOIN alert_rules r ON r.workspace_id = ?1 AND (
  (r.survey IS NOT NULL AND e.type = 'response' AND e.survey = r.survey AND e.score <= r.max_score)
  OR (r.outcome IS NOT NULL AND e.type = 'interaction' AND e.outcome = r.outcome AND (r.critical_only = 0 OR tp.critical = 1)))
WHERE true
GROUP BY e.message_id
ON CONFLICT (workspace_id, message_id) DO NOTHING
RETURNING id`;

// A case is also a ticket (`case-<id>`), received when its event happened. Runs after the
// ingest batch's bump, which reserved twice its rows: the tickets take the second half.
const CASE_TICKETS = `
INSERT INTO events (seq, workspace_id, message_id, type, customer_id, ts, day, received_at, touchpoint, channel, status, ticket_id)
SELECT ${NEXT_SEQ} - json_array_length(?2) + j.key,
  c.workspace_id, 'case-' || c.id || ':opened', 'ticket', c.customer_id, e.ts, e.day, ?3, e.touchpoint, e.channel, 'opened', 'case-' || c.id
FROM ${IDS}
CROSS JOIN cases c ON c.workspace_id = ?1 AND c.message_id = j.value
CROSS JOIN events e ON e.workspace_id = ?1 AND e.message_id = c.message_id
WHERE true
ON CONFLICT (workspace_id, message_id) DO NOTHING`;

const CASE_TICKET_DAYS = noteEventDays(
  `${IDS} CROSS JOIN cases c ON c.workspace_id = ?1 AND c.message_id = j.value
CROSS JOIN events e ON e.workspace_id = ?1 AND e.message_id = 'case-' || c.id || ':opened'`,
  `e.seq = ${NEXT_SEQ} - json_array_length(?2) + j.key`,
);

const QUEUE_DELIVERIES = `
INSERT INTO deliveries (id, workspace_id, case_id, status, attempts, created_at, updated_at)
SELECT 'dl_' || c.id, c.workspace_id, c.id, 'pending', 0, ?3, ?3
FROM ${IDS}
CROSS JOIN cases c ON c.workspace_id = ?1 AND c.message_id = j.value
JOIN webhooks h ON h.workspace_id = ?1 AND h.disabled_at IS NULL
WHERE true
ON CONFLICT (case_id, type) DO NOTHING
RETURNING id`;

export const CASE_SQL = { OPEN_CASES, CASE_TICKETS, CASE_TICKET_DAYS, QUEUE_DELIVERIES };

/** Statements appended to the ingest batch; results: [opened cases, -, -, new deliveries]. */
export function caseStatements(d1: D1Database, ws: string, ids: string, now: number): D1PreparedStatement[] {
  return [
    d1.prepare(OPEN_CASES).bind(ws, ids),
    d1.prepare(CASE_TICKETS).bind(ws, ids, now),
    d1.prepare(CASE_TICKET_DAYS).bind(ws, ids),
    d1.prepare(QUEUE_DELIVERIES).bind(ws, ids, now),
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
  due_at: number | null;
  escalated_at: number | null;
  root_cause?: string | null;
};

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export const caseOut = (c: CaseRow, now = Date.now()) => ({
  id: c.id,
  ticketId: `case-${c.id}`,
  customerId: c.customer_id,
  touchpoint: c.touchpoint,
  owner: c.owner,
  rule: c.rule,
  messageId: c.message_id,
  status: c.status,
  openedAt: new Date(c.opened_at).toISOString(),
  resolvedAt: iso(c.resolved_at),
  note: c.note,
  dueAt: iso(c.due_at),
  // Escalated means it was due by the cron's clock, whatever this one says.
  overdue: c.status === 'open' && ((c.due_at !== null && c.due_at <= now) || c.escalated_at !== null),
  escalatedAt: iso(c.escalated_at),
  rootCause: c.root_cause ?? null,
});

export type CaseFilter = { status?: 'open' | 'resolved'; overdue?: boolean };

const OVERDUE_FIRST = `SELECT * FROM cases WHERE workspace_id = ?1 AND status = 'open'
  ORDER BY (coalesce(due_at <= ?2, 0) OR escalated_at IS NOT NULL) DESC, CASE WHEN due_at <= ?2 OR escalated_at IS NOT NULL THEN due_at END, opened_at DESC, id LIMIT ?3`;

/** Open cases for the dashboard: overdue ones first (most overdue first), then newest. */
export async function openCasesOverdueFirst(d1: D1Database, ws: string, now: number, limit: number) {
  const { results } = await d1.prepare(OVERDUE_FIRST).bind(ws, now, limit).all<CaseRow>();
  return results.map((c) => caseOut(c, now));
}

/** Newest first; overdue=true: open cases past their due time (or escalated), the most overdue first. */
export async function listCases(d1: D1Database, ws: string, filter: CaseFilter, now: number, limit = 500) {
  const sql = filter.overdue
    ? `SELECT * FROM cases WHERE workspace_id = ?1 AND status = 'open' AND (due_at <= ?2 OR escalated_at IS NOT NULL) ORDER BY due_at, id LIMIT ?3`
    : `SELECT * FROM cases WHERE workspace_id = ?1 AND (?2 IS NULL OR status = ?2) ORDER BY opened_at DESC, id LIMIT ?3`;
  const { results } = await d1
    .prepare(sql)
    .bind(ws, filter.overdue ? now : (filter.status ?? null), limit)
    .all<CaseRow>();
  return results.map((c) => caseOut(c, now));
}
