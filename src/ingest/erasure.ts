import { yesterdayIn } from '../platform/time.ts';
import { ON_LATE_CONFLICT } from '../rollup/dirty-days.ts';
import { factsChanged, markDaysStatement } from '../rollup/marks.ts';
import { SEGMENT_DIM_LIST } from '../rollup/counts.ts';
import { eventDeletions, readTheirDays } from './erasure-events.ts';

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

/**
 * Right to erasure: deletes the customer's profile, every event and every rollup row naming
 * them, marks the complete days their events touched for a new rollup and, for lifecycle
 * history, notes the first day whose active customers change (the drain's lifecycle pass
 * rewrites the days from there). Returns null when the customer is unknown here.
 */
export async function eraseCustomer(d1: D1Database, ws: string, tz: string, customerId: string, now = Date.now()) {
  // Recorded first, even when nothing is stored yet: queue-mode events accepted before now and
  // written later are dropped (see queue.ts).
  await d1
    .prepare(
      `INSERT INTO erased_customers (workspace_id, customer_id, erased_at) VALUES (?1, ?2, ?3)
       ON CONFLICT (workspace_id, customer_id) DO UPDATE SET erased_at = excluded.erased_at`,
    )
    .bind(ws, customerId, now)
    .run();
  const { noted, touched, events } = await readTheirDays(d1, ws, customerId);
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
    ...eventDeletions(d1, ws, customerId, noted),
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
  return { events, days: days.length };
}

/** Erasure records outlive every queued message that could predate them (retries last hours). */
export async function forgetOldErasures(d1: D1Database, now: number) {
  await d1.prepare('DELETE FROM erased_customers WHERE erased_at < ?1').bind(now - 7 * 86_400_000).run();
}
