// Which local days each workspace must roll up again. A mark is `full` (the day's own events
// changed) or `people` (only who was active changed). Ingest marks the days of its events (not
// of lifecycle events: their days reach the lifecycle pass through people_from); the cascade
// below turns identify, lifecycle and ticket events into the other days they reach; no mark is
// ever set before the workspace's history floor, so no single event can mark years.
import { MAX_ROW_SEQS } from '../db/event-days.ts';
import { addDays, daysBetween, yesterdayIn } from '../platform/time.ts';
import { markDaysStatement } from './marks.ts';
import { segmentMoveStatements } from './segment-moves.ts';
import { HAS_COMMENT } from '../insights/theme-counts.ts';

/** How far back imported history rolls up by default: the creation day minus this many days. */
export const DEFAULT_HISTORY_DAYS = 366;
/** Identify/lifecycle/ticket events turned into marks per statement, and statements per call. */
const PEOPLE_CHUNK = 2000;
const PEOPLE_CHUNKS_PER_CALL = 20;

export function dayRange(from: string, to: string): string[] {
  const n = daysBetween(from, to);
  return Array.from({ length: Math.max(0, n + 1) }, (_, i) => addDays(from, i));
}


/**
 * The end of a rollup_state upsert for late changes (ingest, erasure): the report generation
 * moves on, and the late-lifecycle watermark comes down to the new day, if one is given.
 */
export const ON_LATE_CONFLICT = `ON CONFLICT (workspace_id) DO UPDATE SET report_gen = report_gen + 1,
  people_from = CASE WHEN excluded.people_from IS NULL THEN people_from
    ELSE min(coalesce(people_from, excluded.people_from), excluded.people_from) END`;

export type State = {
  people_seq: number;
  rolled_through: string | null;
  people_from: string | null;
  floor: string;
};

// The floor: the admin's history_from, else the creation day minus DEFAULT_HISTORY_DAYS.
const STATE = `
SELECT coalesce(s.people_seq, 0) AS people_seq, s.rolled_through, s.people_from,
  coalesce(s.history_from, date(w.created_at / 1000, 'unixepoch', '-${DEFAULT_HISTORY_DAYS} days')) AS floor
FROM workspaces w LEFT JOIN rollup_state s ON s.workspace_id = w.id WHERE w.id = ?1`;

/**
 * Days of [from, to] before the history floor that hold events: never rolled up, so a report
 * over them is not whole (days before the floor without events miss nothing).
 */
export async function daysBeforeHistory(d1: D1Database, ws: string, from: string, to: string): Promise<number> {
  const row = await d1
    .prepare(`SELECT COUNT(DISTINCT e.day) AS n FROM (${STATE}) s, events_by_day e WHERE e.workspace_id = ?1 AND e.day BETWEEN ?2 AND min(?3, date(s.floor, '-1 day'))`)
    .bind(ws, from, to)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** The workspace's history floor (no day before it is rolled up). */
export async function historyFloor(d1: D1Database, ws: string): Promise<string> {
  return (await d1.prepare(STATE).bind(ws).first<State>())!.floor;
}

/**
 * Moves the history floor to `day` (null: back to the default). Days it brings in are marked
 * `full`, so imported history before the old floor rolls up; days it leaves out lose their marks
 * at the drain's next look. Returns the number of days marked.
 */
export async function setHistoryFloor(d1: D1Database, ws: string, day: string | null, yesterday: string): Promise<number> {
  const before = await historyFloor(d1, ws);
  await d1
    .prepare('INSERT INTO rollup_state (workspace_id, history_from, report_gen) VALUES (?1, ?2, 1) ON CONFLICT (workspace_id) DO UPDATE SET history_from = ?2, report_gen = report_gen + 1')
    .bind(ws, day)
    .run();
  const after = await historyFloor(d1, ws);
  if (after >= before) return 0;
  const days = dayRange(after, (addDays(before, -1) < yesterday ? addDays(before, -1) : yesterday));
  await markDaysStatement(d1, ws, days).run();
  return days.length;
}

export async function loadState(d1: D1Database, ws: string, yesterday: string): Promise<State> {
  await d1
    .prepare(
      `INSERT INTO rollup_state (workspace_id, rolled_through) VALUES (?1, ?2)
       ON CONFLICT DO UPDATE SET rolled_through = excluded.rolled_through WHERE rolled_through IS NULL`,
    )
    .bind(ws, yesterday)
    .run();
  return (await d1.prepare(STATE).bind(ws).first<State>())!;
}

// Identify, lifecycle and ticket events reach beyond their own day: a lifecycle change shifts
// who is active on every later day, an earlier `opened` moves a ticket's day of receipt, and a
// segment change moves that customer between segments (`move` rows: segment-moves.ts; their
// lifecycle from their first lifecycle day, the days their tickets and cases were received in full,
// and the days of their survey comments in full too: theme counts come from matching words in
// JavaScript (src/insights/theme-counts.ts), so they cannot be moved by difference). An identify that leaves
// the segment as the rolled-up days have it reaches nothing. Turn the new ones into marks:
// 'from' rows start a `people` range to yesterday, 'day' rows are `full` days.
// The new events are found on the days ingest noted (people_days), through their batch rows:
// a chunk expands the rows the cursor is inside of and the first rows after it (in seq order)
// whose events add up to about a chunk (a row spans at most MAX_ROW_SEQS seqs, so the rows are
// sought from just below the cursor on), and takes their events below the next row's first
// seq (no event of a row not taken can be lower); when none is (ids erased since), the cursor
// moves to just below that row. The first row after the cursor is always taken, so each chunk
// moves the cursor on. The rows' ids are read only for the rows taken (carrying them through the
// window's sort copied every row's ids for each chunk), and only the rows that start within
// PEOPLE_WINDOW seqs past the cursor, or past the first row above it when that is further (`lo`,
// one seek per noted day and type), are read at all: the chunk's events are then also below the
// window's end.
// Expanding every row above the cursor for each chunk made a year's cascade quadratic: 7.0 of the
// 29 s of the 1M-event rollup bench at 1181482. The moved customers' days come from
// customer_days, each day read once for all of them.
// Each term starts from the chunk's customers or tickets (CROSS JOIN fixes the loop order),
// so a chunk costs the same however large the workspace's history is. (D1 allows five terms in
// a compound SELECT, hence the nested one.)
// The event types the cascade follows.
const PEOPLE_TYPES = ['identify', 'lifecycle', 'ticket'];
const PEOPLE_IN = `(${PEOPLE_TYPES.map((t) => `'${t}'`).join(', ')})`;

// A row's events when it starts above the cursor (0 for a row the cursor is inside of: always taken).
const AHEAD = 'CASE WHEN m.seq > ?2 THEN m.n ELSE 0 END';

// The seqs a chunk looks at past the first row above the cursor: rows beyond them are not read,
// so a chunk's cost does not grow with the backlog (a backlog of single-event batches is a row
// per event).
const PEOPLE_WINDOW = 50_000;

/** The cascade's next chunk (CTEs `lo`, `rows`, `bound`, `fresh`); binds ?1 workspace, ?2 the cursor. */
export const peopleFresh = (window = PEOPLE_WINDOW) => `lo AS (
  SELECT MIN((SELECT m.seq FROM event_days m
    WHERE m.workspace_id = ?1 AND m.day = pd.day AND m.type = t.value AND m.seq > ?2 - ${MAX_ROW_SEQS} AND m.last > ?2
    ORDER BY m.seq LIMIT 1)) AS v
  FROM people_days pd CROSS JOIN json_each('${JSON.stringify(PEOPLE_TYPES)}') t WHERE pd.workspace_id = ?1
), rows AS (
  SELECT m.day, m.type, m.seq, m.last,
    SUM(${AHEAD}) OVER (ORDER BY m.seq ROWS UNBOUNDED PRECEDING) - ${AHEAD} AS before
  FROM people_days pd CROSS JOIN event_days m ON m.workspace_id = ?1 AND m.day = pd.day
    AND m.type IN ${PEOPLE_IN} AND m.seq > ?2 - ${MAX_ROW_SEQS} AND m.seq <= (SELECT max(v, ?2) FROM lo) + ${window} AND m.last > ?2
  WHERE pd.workspace_id = ?1
), bound AS (
  SELECT coalesce((SELECT MIN(seq) FROM rows WHERE before >= ${PEOPLE_CHUNK}), (SELECT max(v, ?2) + ${window} + 1 FROM lo)) AS s
), fresh AS (
  SELECT e.seq, e.type, e.customer_id, e.ticket_id, e.day
  FROM rows r
  CROSS JOIN event_days m ON m.workspace_id = ?1 AND m.day = r.day AND m.type = r.type AND m.seq = r.seq
  CROSS JOIN json_each(m.ids) j
  CROSS JOIN events e ON e.workspace_id = ?1 AND e.message_id = j.value AND e.seq BETWEEN r.seq AND r.last
  WHERE r.before < ${PEOPLE_CHUNK} AND e.seq > ?2 AND e.seq < (SELECT s FROM bound)
  ORDER BY e.seq LIMIT ${PEOPLE_CHUNK}
)`;

export const PEOPLE_DAYS = `
WITH ${peopleFresh()}, moved AS (
  SELECT c.customer_id
  FROM (SELECT DISTINCT customer_id FROM fresh WHERE type = 'identify') f
  CROSS JOIN customers c ON c.workspace_id = ?1 AND c.customer_id = f.customer_id
  WHERE coalesce(c.rolled_segment, '') <> coalesce(c.segment, '')
)
SELECT 'max' AS kind, coalesce(MAX(seq), (SELECT s - 1 FROM bound)) AS day FROM fresh
UNION ALL SELECT 'move', customer_id FROM moved
UNION ALL SELECT 'from', MIN(day) FROM (
  SELECT day FROM fresh WHERE type = 'lifecycle'
  UNION ALL SELECT e.day
  FROM moved m CROSS JOIN events e INDEXED BY events_lifecycle ON e.workspace_id = ?1 AND e.customer_id = m.customer_id AND e.type = 'lifecycle')
UNION ALL SELECT DISTINCT 'day', e.day
  FROM (SELECT DISTINCT cd.day FROM moved m CROSS JOIN customer_days cd ON cd.workspace_id = ?1 AND cd.customer_id = m.customer_id) d
  CROSS JOIN events_by_day e ON e.workspace_id = ?1 AND e.day = d.day AND e.type IN ('ticket', 'response')
  WHERE e.customer_id IN (SELECT customer_id FROM moved) AND CASE e.type WHEN 'ticket' THEN e.status = 'opened' ELSE ${HAS_COMMENT} END
UNION ALL SELECT DISTINCT 'day', e.day FROM events e INDEXED BY events_ticket
  WHERE e.workspace_id = ?1 AND e.type = 'ticket' AND e.status = 'opened'
    AND e.ticket_id IN (SELECT ticket_id FROM fresh WHERE type = 'ticket')`;

/** Days [from, yesterday], starting at the floor when `from` is before it (none when from > yesterday). */
const fromFloor = (from: string, floor: string, yesterday: string) => dayRange(from < floor ? floor : from, yesterday);

/** The days of `days` from the floor through yesterday. */
function clip(days: Iterable<string>, floor: string, yesterday: string) {
  return [...days].filter((d) => d >= floor && d <= yesterday);
}

// A noted day goes once no people event of it is above the cursor. An ingest batch that adds one
// commits either before this statement (the day stays) or after it (and notes the day again).
const SEEN_DAYS = `
DELETE FROM people_days WHERE workspace_id = ?1 AND NOT EXISTS (
  SELECT 1 FROM events_by_day e WHERE e.workspace_id = ?1 AND e.day = people_days.day
    AND e.type IN ${PEOPLE_IN} AND e.batch_last > ?2 AND e.seq > ?2)`;

/** One chunk of the cascade; false when no new identify/lifecycle/ticket event was left. */
async function cascadeChunk(d1: D1Database, ws: string, state: State, yesterday: string): Promise<boolean> {
  const { results } = await d1.prepare(PEOPLE_DAYS).bind(ws, state.people_seq).all<{ kind: string; day: string | number | null }>();
  const maxSeq = results.find((r) => r.kind === 'max')?.day;
  if (maxSeq === null || maxSeq === undefined) {
    await d1.prepare(SEEN_DAYS).bind(ws, state.people_seq).run();
    return false;
  }
  const full = new Set<string>();
  const moves: string[] = [];
  for (const r of results) {
    if (r.kind === 'move') moves.push(String(r.day));
    if (r.kind === 'day' && r.day) full.add(String(r.day));
  }
  // One 'from' row: the earliest day whose active customers change (null when none).
  const from = results.find((r) => r.kind === 'from')?.day;
  await d1.batch([
    markDaysStatement(d1, ws, clip(full, state.floor, yesterday)),
    ...segmentMoveStatements(d1, ws, moves, state.floor, yesterday),
    markDaysStatement(d1, ws, from ? fromFloor(String(from), state.floor, yesterday) : [], 'people'),
    d1.prepare('UPDATE rollup_state SET people_seq = ?2 WHERE workspace_id = ?1 AND people_seq < ?2').bind(ws, Number(maxSeq)),
    d1.prepare(SEEN_DAYS).bind(ws, Number(maxSeq)),
  ]);
  state.people_seq = Number(maxSeq);
  return true;
}

/**
 * Brings the marks up to date: newly completed days, late lifecycle events that ingest noted
 * (`people_from`), then the cascade, at most PEOPLE_CHUNKS_PER_CALL chunks (returns true when
 * more is left, so that no call nears D1's per-invocation query budget). Marks before the floor
 * are dropped. When any mark was added the report generation moves on, so that no cached report
 * keeps saying its days are complete.
 */
export async function advanceMarks(d1: D1Database, ws: string, tz: string, now: number): Promise<{ more: boolean }> {
  const yesterday = yesterdayIn(tz, now);
  const state = await loadState(d1, ws, yesterday);
  const stmts: D1PreparedStatement[] = [];
  if (state.rolled_through && state.rolled_through < yesterday) {
    const first = addDays(state.rolled_through, 1);
    stmts.push(
      markDaysStatement(d1, ws, fromFloor(first, state.floor, yesterday)),
      d1.prepare('UPDATE rollup_state SET rolled_through = ?2 WHERE workspace_id = ?1').bind(ws, yesterday),
    );
  }
  if (state.people_from) {
    stmts.push(
      markDaysStatement(d1, ws, fromFloor(state.people_from, state.floor, yesterday), 'people'),
      // Cleared only if ingest did not lower it meanwhile.
      d1.prepare('UPDATE rollup_state SET people_from = NULL WHERE workspace_id = ?1 AND people_from = ?2').bind(ws, state.people_from),
    );
  }
  if (stmts.length) await d1.batch(stmts);
  let marked = stmts.length > 0;
  let chunks = 0;
  for (; chunks < PEOPLE_CHUNKS_PER_CALL; chunks++) {
    if (!(await cascadeChunk(d1, ws, state, yesterday))) break;
    marked = true;
  }
  // Ingest marks the day of its events however old they are: nothing before the floor is rolled up.
  const dropped = d1.prepare('DELETE FROM dirty_days WHERE workspace_id = ?1 AND day < ?2').bind(ws, state.floor);
  if (marked) await d1.batch([dropped, d1.prepare('UPDATE rollup_state SET report_gen = report_gen + 1 WHERE workspace_id = ?1').bind(ws)]);
  else await dropped.run();
  return { more: chunks === PEOPLE_CHUNKS_PER_CALL };
}

// Days of [?2, ?3] (clipped to the floor and to yesterday, ?4) that still wait: every marked day,
// and the unmarked days from `p`: the first day not yet marked as completed (after
// rolled_through) or the earliest late lifecycle day ingest noted (people_from), if earlier.
const PENDING = `
WITH s AS (${STATE}), b AS (
  SELECT max(?2, s.floor) AS lo, min(?3, ?4) AS hi,
    CASE WHEN s.people_from IS NULL THEN date(s.rolled_through, '+1 day')
         WHEN s.rolled_through IS NULL THEN s.people_from
         ELSE min(s.people_from, date(s.rolled_through, '+1 day')) END AS p
  FROM s
)
SELECT b.lo, b.hi, max(b.lo, b.p) AS unmarked_from,
  (SELECT COUNT(*) FROM dirty_days d WHERE d.workspace_id = ?1 AND d.day BETWEEN b.lo AND b.hi) AS marked,
  (SELECT COUNT(*) FROM dirty_days d WHERE d.workspace_id = ?1 AND d.day BETWEEN max(b.lo, b.p) AND b.hi) AS marked_after
FROM b`;

/** Days of [from, to] still waiting for a rollup (reports' `pendingDays`). */
export async function pendingIn(d1: D1Database, ws: string, from: string, to: string, yesterday: string): Promise<number> {
  const row = await d1
    .prepare(PENDING)
    .bind(ws, from, to, yesterday)
    .first<{ lo: string; hi: string; unmarked_from: string | null; marked: number; marked_after: number }>();
  if (!row || row.lo > row.hi) return 0;
  const unmarked = row.unmarked_from && row.unmarked_from <= row.hi ? daysBetween(row.unmarked_from, row.hi) + 1 - row.marked_after : 0;
  return row.marked + unmarked;
}
