import { yesterdayIn } from '../platform/time.ts';
import { ON_LATE_CONFLICT } from '../rollup/dirty-days.ts';
import { factsChanged, markDaysStatement } from '../rollup/marks.ts';
import { SEGMENT_DIM_LIST } from '../rollup/counts.ts';

// A segment name only this customer had is customer-supplied text: its rows go now, not when
// the drain re-rolls the days (reports read meanwhile say they are incomplete, and must not name it).
const LONE_SEGMENT = `
WITH mine AS (
  SELECT rolled_segment AS s FROM customers WHERE workspace_id = ?1 AND customer_id = ?2
  UNION SELECT segment FROM customers WHERE workspace_id = ?1 AND customer_id = ?2
), lone AS (
  SELECT s FROM mine WHERE s IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM customers o WHERE o.workspace_id = ?1 AND o.customer_id <> ?2 AND (o.segment = mine.s OR o.rolled_segment = mine.s))
)
`;
const DROP_LONE_SEGMENT = `${LONE_SEGMENT}
DELETE FROM daily_metrics WHERE workspace_id = ?1 AND dim IN (${SEGMENT_DIM_LIST})
  AND (CASE dim WHEN 'segment' THEN "key" ELSE "key"->>0 END) IN (SELECT s FROM lone)`;
// Theme counts carry the segment too (their quotes go with the customer's events, by seq).
const DROP_LONE_SEGMENT_THEMES = `${LONE_SEGMENT}
DELETE FROM daily_themes WHERE workspace_id = ?1 AND segment IN (SELECT s FROM lone)`;

// The customer's events, found on the days ingest noted for them (customer_days): each day is
// read through its batch rows (event_days) and filtered, a few days per statement so that none
// grows with the customer's history (D1 stops a query at 30 s).
const THEIR_EVENTS = `
SELECT e.message_id AS id, e.day, e.type, e.seq
FROM json_each(?3) d CROSS JOIN events_by_day e ON e.workspace_id = ?1 AND e.day = d.value
WHERE e.customer_id = ?2`;
const DAYS_PER_READ = 7;
const IDS_PER_DELETE = 500;

type Theirs = { id: string; day: string; type: string; seq: number };

async function theirEvents(d1: D1Database, ws: string, customerId: string): Promise<Theirs[]> {
  const { results: days } = await d1
    .prepare('SELECT day FROM customer_days WHERE workspace_id = ?1 AND customer_id = ?2 ORDER BY day')
    .bind(ws, customerId)
    .all<{ day: string }>();
  const out: Theirs[] = [];
  for (let i = 0; i < days.length; i += DAYS_PER_READ) {
    const part = JSON.stringify(days.slice(i, i + DAYS_PER_READ).map((r) => r.day));
    out.push(...(await d1.prepare(THEIR_EVENTS).bind(ws, customerId, part).all<Theirs>()).results);
  }
  return out;
}

/** Their events' ids, their response seqs and their days, bound in slices to the statements that delete by them. */
function deletions(d1: D1Database, ws: string, theirs: Theirs[]): D1PreparedStatement[] {
  const out: D1PreparedStatement[] = [];
  for (let i = 0; i < theirs.length; i += IDS_PER_DELETE) {
    const part = theirs.slice(i, i + IDS_PER_DELETE);
    const quotes = part.filter((e) => e.type === 'response').map((e) => [e.day, e.seq]);
    // Quotes of the customer's comments go with the events that name them (and at once: the
    // re-rolled days would drop them only when the drain gets there).
    if (quotes.length) {
      out.push(
        d1
          .prepare('DELETE FROM daily_theme_quotes WHERE workspace_id = ?1 AND (day, seq) IN (SELECT value->>0, value->>1 FROM json_each(?2))')
          .bind(ws, JSON.stringify(quotes)),
      );
    }
    out.push(d1.prepare('DELETE FROM events WHERE workspace_id = ?1 AND message_id IN (SELECT value FROM json_each(?2))').bind(ws, JSON.stringify(part.map((e) => e.id))));
  }
  return out;
}

/**
 * Right to erasure: deletes the customer's profile, every event and every rollup row naming
 * them, marks the complete days their events touched for a new rollup and, for lifecycle
 * history, notes the first day whose active customers change (the drain's lifecycle pass
 * rewrites the days from there). Returns null when the customer is unknown here.
 */
export async function eraseCustomer(d1: D1Database, ws: string, tz: string, customerId: string, now = Date.now()) {
  const theirs = await theirEvents(d1, ws, customerId);
  const byDay = new Map<string, { day: string; lifecycle: boolean }>();
  for (const e of theirs) {
    const d = byDay.get(e.day) ?? { day: e.day, lifecycle: false };
    d.lifecycle ||= e.type === 'lifecycle';
    byDay.set(e.day, d);
  }
  const touched = [...byDay.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
  // Recorded even when nothing is stored yet: queue-mode events accepted before now and
  // written later are dropped (see queue.ts).
  await d1
    .prepare(
      `INSERT INTO erased_customers (workspace_id, customer_id, erased_at) VALUES (?1, ?2, ?3)
       ON CONFLICT (workspace_id, customer_id) DO UPDATE SET erased_at = excluded.erased_at`,
    )
    .bind(ws, customerId, now)
    .run();
  const profile = await d1.prepare('SELECT 1 AS x FROM customers WHERE workspace_id = ?1 AND customer_id = ?2').bind(ws, customerId).first();
  if (!profile && touched.length === 0) return null;
  const yesterday = yesterdayIn(tz, now);
  const days = touched.map((r) => r.day).filter((d) => d <= yesterday);
  // Who was active changes from the customer's first lifecycle event on: the lifecycle pass.
  const firstLifecycle = touched.find((r) => r.lifecycle)?.day;
  const touchedDays = JSON.stringify(touched.map((r) => r.day));
  await d1.batch([
    d1.prepare(DROP_LONE_SEGMENT).bind(ws, customerId),
    d1.prepare(DROP_LONE_SEGMENT_THEMES).bind(ws, customerId),
    ...deletions(d1, ws, theirs),
    d1.prepare('DELETE FROM customer_days WHERE workspace_id = ?1 AND customer_id = ?2').bind(ws, customerId),
    d1.prepare('DELETE FROM customers WHERE workspace_id = ?1 AND customer_id = ?2').bind(ws, customerId),
    // Rollup rows naming them are reached by the days of their events: one seek per day, not a
    // walk over the workspace's rows.
    d1
      .prepare('DELETE FROM daily_customers WHERE workspace_id = ?1 AND day IN (SELECT value FROM json_each(?3)) AND customer_id = ?2')
      .bind(ws, customerId, touchedDays),
    // Webhook payloads and cases name the customer too.
    d1
      .prepare(
        `DELETE FROM delivery_attempts WHERE delivery_id IN
         (SELECT d.id FROM deliveries d JOIN cases c ON c.id = d.case_id WHERE c.workspace_id = ?1 AND c.customer_id = ?2)`,
      )
      .bind(ws, customerId),
    d1
      .prepare('DELETE FROM deliveries WHERE case_id IN (SELECT id FROM cases WHERE workspace_id = ?1 AND customer_id = ?2)')
      .bind(ws, customerId),
    // Notes in a case's history may name the customer.
    d1
      .prepare('DELETE FROM case_events WHERE workspace_id = ?1 AND case_id IN (SELECT id FROM cases WHERE workspace_id = ?1 AND customer_id = ?2)')
      .bind(ws, customerId),
    d1.prepare('DELETE FROM cases WHERE workspace_id = ?1 AND customer_id = ?2').bind(ws, customerId),
    // Dead-lettered ingest messages keep the other customers' rows.
    d1
      .prepare(
        `UPDATE ingest_dead_letters SET body = (SELECT json_group_array(json(value)) FROM json_each(body) WHERE value->>'c' IS NOT ?2)
         WHERE workspace_id = ?1 AND EXISTS (SELECT 1 FROM json_each(body) WHERE value->>'c' = ?2)`,
      )
      .bind(ws, customerId),
    markDaysStatement(d1, ws, days),
    factsChanged(d1, ws),
    d1
      .prepare(
        `INSERT INTO rollup_state (workspace_id, report_gen, people_from) VALUES (?1, 1, ?2) ${ON_LATE_CONFLICT}`,
      )
      .bind(ws, firstLifecycle && firstLifecycle <= yesterday ? firstLifecycle : null),
  ]);
  return { events: theirs.length, days: days.length };
}

/** Erasure records outlive every queued message that could predate them (retries last hours). */
export async function forgetOldErasures(d1: D1Database, now: number) {
  await d1.prepare('DELETE FROM erased_customers WHERE erased_at < ?1').bind(now - 7 * 86_400_000).run();
}
