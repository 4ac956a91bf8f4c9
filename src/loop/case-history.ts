// A case's history and the changes an admin makes to it (PATCH): reassignment, notes and
// closing. Every change is a case_events row; closing also resolves the case's ticket, marks
// its day for the rollup and queues `case.resolved`.
import { bumpSeq, NEXT_SEQ } from '../db/seq.ts';
import { noteCustomerDays, noteEventDays } from '../db/event-days.ts';
import { invalid } from '../platform/problem.ts';
import { markDaysStatement, notePeopleDays } from '../rollup/marks.ts';
import { caseOut, type CaseRow } from './cases.ts';
import { hasRootCauses, rootCauseExists } from './root-causes.ts';

export type CaseEventKind = 'opened' | 'assigned' | 'escalated' | 'note' | 'status';
type EventRow = { seq: number; at: number; kind: CaseEventKind; from_value: string | null; to_value: string | null; note: string | null };

const historyOut = (c: CaseRow, events: EventRow[]) => [
  { kind: 'opened' as CaseEventKind, at: new Date(c.opened_at).toISOString(), from: null, to: 'open', note: null },
  ...events.map((e) => ({ kind: e.kind, at: new Date(e.at).toISOString(), from: e.from_value, to: e.to_value, note: e.note })),
];

const findCase = (d1: D1Database, ws: string, id: string) =>
  d1.prepare('SELECT * FROM cases WHERE workspace_id = ?1 AND id = ?2').bind(ws, id).first<CaseRow>();

/** The case with its history in order (opened first); null when not in this workspace. */
export async function getCase(d1: D1Database, ws: string, id: string, now: number) {
  const c = await findCase(d1, ws, id);
  if (!c) return null;
  const { results } = await d1
    .prepare('SELECT * FROM case_events WHERE workspace_id = ?1 AND case_id = ?2 ORDER BY seq LIMIT 1000')
    .bind(ws, id)
    .all<EventRow>();
  return { ...caseOut(c, now), history: historyOut(c, results) };
}

export type CasePatch = { status?: 'resolved'; owner?: string; note?: string; rootCause?: string };

/**
 * Applies a patch in one batch; closing an already closed case changes nothing. Throws a 400
 * problem when closing without a known root cause once the workspace has any. Null when not found.
 */
export async function patchCase(d1: D1Database, ws: string, id: string, p: CasePatch, day: string, now: number) {
  const found = await findCase(d1, ws, id);
  if (!found) return null;
  const closing = p.status === 'resolved' && found.status === 'open';
  if (p.rootCause !== undefined && !(await rootCauseExists(d1, ws, p.rootCause))) {
    throw invalid([{ path: 'rootCause', message: `no root cause \`${p.rootCause}\` in this workspace` }]);
  }
  if (closing && p.rootCause === undefined && (await hasRootCauses(d1, ws))) {
    throw invalid([{ path: 'rootCause', message: 'closing a case needs a rootCause from GET /v1/root-causes' }]);
  }
  const event = (kind: string, from: string | null, to: string | null, note: string | null = null) =>
    d1
      .prepare('INSERT INTO case_events (workspace_id, case_id, at, kind, from_value, to_value, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)')
      .bind(ws, id, now, kind, from, to, note);
  const stmts: D1PreparedStatement[] = [];
  if (p.owner !== undefined && p.owner !== found.owner) {
    stmts.push(event('assigned', found.owner, p.owner), d1.prepare('UPDATE cases SET owner = ?3 WHERE workspace_id = ?1 AND id = ?2').bind(ws, id, p.owner));
  }
  if (p.note !== undefined) {
    stmts.push(event('note', null, null, p.note), d1.prepare('UPDATE cases SET note = ?3 WHERE workspace_id = ?1 AND id = ?2').bind(ws, id, p.note));
  }
  if (p.rootCause !== undefined) {
    stmts.push(d1.prepare('UPDATE cases SET root_cause = ?3 WHERE workspace_id = ?1 AND id = ?2').bind(ws, id, p.rootCause));
  }
  let queued: D1PreparedStatement | null = null;
  if (closing) {
    // Each keyed on the case still being open, before the UPDATE that closes it: two
    // concurrent closes record one status change, one ticket event and one delivery.
    queued = d1
      .prepare(
        `INSERT INTO deliveries (id, workspace_id, case_id, type, status, attempts, created_at, updated_at)
         SELECT 'dl_' || c.id || '_resolved', c.workspace_id, c.id, 'case.resolved', 'pending', 0, ?3, ?3
         FROM cases c JOIN webhooks h ON h.workspace_id = c.workspace_id AND h.disabled_at IS NULL
         WHERE c.workspace_id = ?1 AND c.id = ?2 AND c.status = 'open'
         ON CONFLICT (case_id, type) DO NOTHING RETURNING id`,
      )
      .bind(ws, id, now);
    stmts.push(
      d1
        .prepare(
          `INSERT INTO case_events (workspace_id, case_id, at, kind, from_value, to_value, once)
           SELECT ?1, ?2, ?3, 'status', 'open', 'resolved', ?2 || ':resolved' FROM cases WHERE workspace_id = ?1 AND id = ?2 AND status = 'open'
           ON CONFLICT (once) DO NOTHING`,
        )
        .bind(ws, id, now),
      queued,
      d1
        .prepare(
          `INSERT INTO events (seq, workspace_id, message_id, type, customer_id, ts, day, received_at, touchpoint, status, ticket_id)
           VALUES (${NEXT_SEQ}, ?1, 'case-' || ?2 || ':resolved', 'ticket', ?3, ?4, ?5, ?4, ?6, 'resolved', 'case-' || ?2)
           ON CONFLICT (workspace_id, message_id) DO NOTHING`,
        )
        .bind(ws, id, found.customer_id, now, day, found.touchpoint),
      d1.prepare(noteEventDays('events e', `e.workspace_id = ?1 AND e.message_id = 'case-' || ?2 || ':resolved' AND e.seq = ${NEXT_SEQ}`)).bind(ws, id),
      noteCustomerDays(d1, ws, [{ c: found.customer_id, d: day }]),
      bumpSeq(d1, 1),
      markDaysStatement(d1, ws, [day]),
      notePeopleDays(d1, ws, [day]),
      d1.prepare(`UPDATE cases SET status = 'resolved', resolved_at = ?3 WHERE workspace_id = ?1 AND id = ?2 AND status = 'open'`).bind(ws, id, now),
    );
  }
  const results = stmts.length ? await d1.batch(stmts) : [];
  const deliveries = queued ? ((results[stmts.indexOf(queued)].results ?? []) as { id: string }[]).map((r) => r.id) : [];
  return { case: (await getCase(d1, ws, id, now))!, deliveries };
}
