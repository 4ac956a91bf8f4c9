import { invalid, zodErrors, type FieldError } from '../platform/problem.ts';
import { localDay } from '../platform/time.ts';
import { caseStatements } from '../loop/cases.ts';
import { Batch, Event, MAX_EVENT_BYTES } from './event-schema.ts';
import type { Row } from '../env.ts';
import { ON_LATE_CONFLICT } from '../rollup/dirty-days.ts';
import { MARK_FULL, markDaysStatement, NOTE_PEOPLE_DAYS, notePeopleDays } from '../rollup/marks.ts';
import { batchElementSizes } from './raw-size.ts';
import { bumpSeq, NEXT_SEQ } from '../db/seq.ts';
import { eventDayGroups, NOTE_CUSTOMER_DAYS, NOTE_EVENT_DAYS, noteCustomerDays } from '../db/event-days.ts';

export type { Row };

const enc = new TextEncoder();

function isBatch(raw: unknown): raw is { batch: unknown } {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) && 'batch' in raw;
}

/** Errors for events over 32 KiB, measured on the bytes the client sent when they are given. */
export function sizeErrors(raw: unknown, bytes?: Uint8Array): FieldError[] {
  const list = isBatch(raw) ? raw.batch : [raw];
  if (!Array.isArray(list)) return [];
  const sent = bytes && (isBatch(raw) ? batchElementSizes(bytes) : [bytes.byteLength]);
  const errors: FieldError[] = [];
  list.forEach((e, i) => {
    if ((sent?.[i] ?? enc.encode(JSON.stringify(e) ?? '').byteLength) > MAX_EVENT_BYTES) {
      errors.push({ path: isBatch(raw) ? `batch.${i}` : '', message: `an event is at most ${MAX_EVENT_BYTES} bytes of JSON` });
    }
  });
  return errors;
}

/** Validates a single event or a batch; throws one 400 with every bad field of every event. */
export function parseIngestBody(raw: unknown, bytes?: Uint8Array): Event[] {
  const batch = isBatch(raw);
  const result = batch ? Batch.safeParse(raw) : Event.safeParse(raw);
  const errors = [...(result.success ? [] : zodErrors(result.error.issues)), ...sizeErrors(raw, bytes)];
  if (errors.length || !result.success) throw invalid(errors, 'Nothing was stored: fix every listed field and resend the whole request.');
  return batch ? (result.data as { batch: Event[] }).batch : [result.data as Event];
}


/** Flattens an event into the column values of `events` (ts in ms UTC, day local). */
export function toRow(e: Event, tz: string, now: number): Row {
  const ts = e.timestamp ? Date.parse(e.timestamp) : now;
  const row: Row = { m: e.messageId, t: e.type, c: e.customerId, ts, d: localDay(ts, tz) };
  // Late: a complete day (before today) changes, so reports over it are no longer complete.
  if (row.d! < localDay(now, tz)) row.l = 1;
  switch (e.type) {
    case 'identify':
      Object.assign(row, { seg: e.segment ?? null, data: e.traits ? JSON.stringify(e.traits) : null });
      break;
    case 'interaction':
      Object.assign(row, {
        tp: e.touchpoint,
        ch: e.channel ?? null,
        o: e.outcome ?? null,
        s: e.sentiment ?? null,
        em: e.emotion ?? null,
        v: e.value ?? null,
        data: e.properties ? JSON.stringify(e.properties) : null,
      });
      break;
    case 'response':
      Object.assign(row, { sv: e.survey, sc: e.score, tp: e.touchpoint ?? null, cm: e.comment ?? null });
      break;
    case 'lifecycle':
      row.st = e.status;
      break;
    case 'ticket':
      Object.assign(row, { tk: e.ticketId, st: e.status, tp: e.touchpoint ?? null, ch: e.channel ?? null });
      break;
  }
  return row;
}

// Rows travel as one JSON parameter and are unpacked by json_each, so each statement binds
// three parameters whatever the batch size (D1 allows 100).
/** Each `events` column and where its value comes from: a key of the row, or ?1 / ?3. */
export const EVENT_COLUMNS: [column: string, source: string][] = [
  ['workspace_id', '?1'], ['message_id', 'm'], ['type', 't'], ['customer_id', 'c'], ['ts', 'ts'], ['day', 'd'],
  ['received_at', '?3'], ['touchpoint', 'tp'], ['channel', 'ch'], ['outcome', 'o'], ['sentiment', 's'], ['emotion', 'em'], ['value', 'v'],
  ['survey', 'sv'], ['score', 'sc'], ['comment', 'cm'], ['status', 'st'], ['ticket_id', 'tk'], ['segment', 'seg'], ['data', 'data'],
];

// The rows travel as arrays of their values in this order: reading `j.value->>3` costs SQLite
// less than finding a key in an object, and the insert is most of an ingest batch's SQL (its D1
// time per batch of 500: 5.0 ms with objects at acdedf1, 4.0 with arrays at 2c0a00b, in
// `BENCH_ONLY=ingest npm run bench`).
const ROW_KEYS = EVENT_COLUMNS.filter(([, src]) => !src.startsWith('?')).map(([, src]) => src);

/** The request's rows as INSERT_EVENTS binds them. */
export const eventValues = (rows: Row[]) => JSON.stringify(rows.map((r) => ROW_KEYS.map((k) => r[k] ?? null)));

// seq: the next free ones in the rows' order (src/db/seq.ts; duplicates leave gaps).
const INSERT_EVENTS = `
INSERT INTO events (seq, ${EVENT_COLUMNS.map(([col]) => col).join(', ')})
SELECT ${NEXT_SEQ} + j.key,
  ${EVENT_COLUMNS.map(([, src]) => (src.startsWith('?') ? src : `j.value->>${ROW_KEYS.indexOf(src)}`)).join(', ')}
FROM json_each(?2) j WHERE true
ON CONFLICT (workspace_id, message_id) DO NOTHING`;

// Reads back the stored event for each messageId, so that a "duplicate" carrying other
// content cannot change the customer. The newest identify (by timestamp) wins.
// CROSS JOIN keeps json_each as the outer loop: with a plain JOIN SQLite scans every event of
// the workspace and re-walks the request's JSON for each, so ingest slowed with the history.
// A known customer's row is rewritten only when a value changes (an identify, an earlier
// event): D1 bills every row an UPDATE writes, even one that changes nothing.
const CUSTOMER_UPDATE: [column: string, value: string][] = [
  ['segment', `CASE WHEN excluded.identified_at >= coalesce(customers.identified_at, -1e15)
    THEN coalesce(excluded.segment, customers.segment) ELSE coalesce(customers.segment, excluded.segment) END`],
  ['traits', `CASE WHEN excluded.identified_at >= coalesce(customers.identified_at, -1e15)
    THEN coalesce(excluded.traits, customers.traits) ELSE coalesce(customers.traits, excluded.traits) END`],
  ['identified_at', 'max(coalesce(customers.identified_at, excluded.identified_at), coalesce(excluded.identified_at, customers.identified_at))'],
  ['first_seen_at', 'min(customers.first_seen_at, excluded.first_seen_at)'],
];
const UPSERT_CUSTOMERS = `
INSERT INTO customers (workspace_id, customer_id, segment, traits, identified_at, first_seen_at)
SELECT e.workspace_id, e.customer_id,
  CASE WHEN e.type = 'identify' THEN e.segment END,
  CASE WHEN e.type = 'identify' THEN e.data END,
  CASE WHEN e.type = 'identify' THEN e.ts END,
  e.ts
FROM json_each(?2) j CROSS JOIN events e ON e.workspace_id = ?1 AND e.message_id = j.value
WHERE true
ON CONFLICT (workspace_id, customer_id) DO UPDATE SET
  ${CUSTOMER_UPDATE.map(([col, value]) => `${col} = ${value}`).join(',\n  ')}
WHERE ${CUSTOMER_UPDATE.map(([col, value]) => `(${value}) IS NOT customers.${col}`).join('\n  OR ')}`;

// The days of the rows, `full` (a day already marked `people` must now be re-aggregated too),
// but not of lifecycle events: no figure of a day's own rollup comes from them, and who was
// active is the lifecycle pass's (NOTE_LATE and the cascade give their days `people` marks), so
// a late lifecycle event a year back re-aggregates no day at all. Binds the distinct days.
const MARK_DIRTY = MARK_FULL;

// Late events make their days pending at once: the report generation moves on (cached reports
// would still say complete) and a late lifecycle event notes the first day whose active customers
// change (?2; the drain marks the days from there). Only in a batch holding late events.
const NOTE_LATE = `
INSERT INTO rollup_state (workspace_id, report_gen, people_from) VALUES (?1, 1, ?2)
${ON_LATE_CONFLICT}
RETURNING drain_open`;

// An identify whose segment differs from the customer's moves facts_gen (src/publish/fact-store.ts:
// the facts a rebuild keeps are grouped by segment), in the same batch, before the customers
// upsert writes the new segment. Binds ?2 the identify rows' customer and segment.
const SEGMENT_MOVED = `
INSERT INTO rollup_state (workspace_id, facts_gen)
SELECT ?1, 1 WHERE EXISTS (
  SELECT 1 FROM json_each(?2) j LEFT JOIN customers c ON c.workspace_id = ?1 AND c.customer_id = j.value->>0
  WHERE c.segment IS NOT j.value->>1)
ON CONFLICT (workspace_id) DO UPDATE SET facts_gen = facts_gen + 1`;

// The statements that walk a JSON parameter of the request (their query plans are tested to
// scan only it and reach stored rows by their keys). NOTE_LATE binds scalars only.
export const INGEST_SQL = { INSERT_EVENTS, NOTE_EVENT_DAYS, NOTE_CUSTOMER_DAYS, UPSERT_CUSTOMERS, MARK_DIRTY, SEGMENT_MOVED, NOTE_PEOPLE_DAYS };
export { NOTE_LATE };

// Each statement is bound to only what it reads: the rows' JSON once (the events insert), the
// messageIds for those that read the stored events back, the distinct days for the marks.
// Binding the whole rows to every statement of a 500-event batch cost 4.8 ms of its CPU.
/** The ingest batch's statements by name; MARK_DIRTY, NOTE_LATE and SEGMENT_MOVED only when they have work. NOTE_PEOPLE_DAYS: the days of identify, lifecycle and ticket rows. */
export function ingestStatements(d1: D1Database, ws: string, rows: Row[], now: number) {
  const ids = JSON.stringify(rows.map((r) => r.m));
  // A messageId repeated in the request is stored once, from its first row (as ON CONFLICT would):
  // the insert numbers the rows left by their index, and the day rows list each id once.
  const seen = new Set<unknown>();
  const unique = rows.filter((r) => !seen.has(r.m) && seen.add(r.m));
  const days = [...new Set(rows.filter((r) => r.t !== 'lifecycle').map((r) => String(r.d)))];
  const peopleDays = [...new Set(rows.filter((r) => r.t === 'identify' || r.t === 'lifecycle' || r.t === 'ticket').map((r) => String(r.d)))];
  const late = rows.filter((r) => r.l);
  const lateLifecycle = late.filter((r) => r.t === 'lifecycle').map((r) => String(r.d)).reduce<string | null>((min, d) => (min === null || d < min ? d : min), null);
  const segments = rows.filter((r) => r.t === 'identify' && r.seg !== null && r.seg !== undefined).map((r) => [r.c, r.seg]);
  return {
    INSERT_EVENTS: d1.prepare(INSERT_EVENTS).bind(ws, eventValues(unique), now),
    NOTE_EVENT_DAYS: d1.prepare(NOTE_EVENT_DAYS).bind(ws, eventDayGroups(unique)),
    NOTE_CUSTOMER_DAYS: noteCustomerDays(d1, ws, rows),
    // Twice the rows: the second half numbers the tickets of the cases they open (CASE_TICKETS).
    BUMP_SEQ: bumpSeq(d1, 2 * rows.length),
    UPSERT_CUSTOMERS: d1.prepare(UPSERT_CUSTOMERS).bind(ws, ids),
    MARK_DIRTY: days.length ? markDaysStatement(d1, ws, days) : null,
    NOTE_PEOPLE_DAYS: peopleDays.length ? notePeopleDays(d1, ws, peopleDays) : null,
    NOTE_LATE: late.length ? d1.prepare(NOTE_LATE).bind(ws, lateLifecycle) : null,
    SEGMENT_MOVED: segments.length ? d1.prepare(SEGMENT_MOVED).bind(ws, JSON.stringify(segments)) : null,
    // Only an answer or a failed or abandoned interaction can meet an alert rule (rules name a
    // survey and score, or one of those two outcomes).
    cases: caseStatements(d1, ws, JSON.stringify(rows.filter(mayOpenCase).map((r) => r.m)), now),
  };
}

const mayOpenCase = (r: Row) => r.t === 'response' || (r.t === 'interaction' && (r.o === 'failure' || r.o === 'abandoned'));

export const toRows = (events: Event[], tz: string, now: number): Row[] => events.map((e) => toRow(e, tz, now));

/** Flags a row late when its day is complete by `now` (rows accepted earlier and stored now). */
export function flagLate(tz: string, now: number): (r: Row) => Row {
  const today = localDay(now, tz);
  return (r) => (!r.l && String(r.d) < today ? { ...r, l: 1 } : r);
}

/**
 * Stores rows atomically: all of them (less duplicates) or none, with the follow-up cases
 * they open and the webhook deliveries those need (ids returned for the queue). `extra`
 * statements commit or fail with them.
 */
export async function storeRows(d1: D1Database, workspaceId: string, rows: Row[], now = Date.now(), extra: D1PreparedStatement[] = []) {
  const { INSERT_EVENTS, NOTE_EVENT_DAYS, NOTE_CUSTOMER_DAYS, BUMP_SEQ, UPSERT_CUSTOMERS, MARK_DIRTY, NOTE_PEOPLE_DAYS, NOTE_LATE, SEGMENT_MOVED, cases } = ingestStatements(d1, workspaceId, rows, now);
  const head = [INSERT_EVENTS, NOTE_EVENT_DAYS, NOTE_CUSTOMER_DAYS, BUMP_SEQ, SEGMENT_MOVED, UPSERT_CUSTOMERS, MARK_DIRTY, NOTE_PEOPLE_DAYS].filter((s) => s !== null);
  const results = await d1.batch([...head, ...(NOTE_LATE ? [NOTE_LATE] : []), ...extra, ...cases]);
  const accepted = results[0].meta.changes ?? 0;
  const deliveries = (results.at(-1)!.results as { id: string }[]).map((r) => r.id);
  // `late`: complete days changed and no drain is live to roll them up.
  const late = NOTE_LATE ? (results[head.length].results as { drain_open: number }[]).some((r) => !r.drain_open) : false;
  return { accepted, duplicates: rows.length - accepted, deliveries, late };
}
