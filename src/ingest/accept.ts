// The one way ingested rows are kept, whichever door they came through (/v1/events, the
// Segment Tracking API, the Segment Webhooks destination): written directly, or in queue mode
// durably enqueued, with the same messageId dedupe, cases and webhook deliveries.
import type { Env, Row } from '../env.ts';
import { enqueueDeliveries } from '../loop/webhooks.ts';
import { enqueueRows } from './queue.ts';
import { storeRows } from './store.ts';

export type Accepted = { accepted: number; duplicates: number | null; queued?: true };

export type AcceptOptions = {
  /** Statements (such as counters) that commit with the rows, or run after the enqueue in queue mode. */
  extra?: (d1: D1Database) => D1PreparedStatement[];
  /** Called, after answering, when the rows changed complete days and no drain is live (jobs/ starts one). */
  onLate?: (d1: D1Database) => Promise<unknown>;
};

/** Stores (or queues) the rows, as every ingest door does. */
export async function acceptRows(
  env: Env,
  ctx: { waitUntil(promise: Promise<unknown>): void },
  ws: string,
  rows: Row[],
  { extra = () => [], onLate }: AcceptOptions = {},
): Promise<Accepted> {
  const d1 = env.DB;
  if (!rows.length) {
    const statements = extra(d1);
    if (statements.length) await d1.batch(statements);
    return { accepted: 0, duplicates: 0 };
  }
  // Queue mode answers once the rows are durably queued; a request too large for one
  // all-or-nothing send is written directly instead, so a 5xx still means nothing stored.
  if (env.INGEST_MODE === 'queue' && (await enqueueRows(env.INGEST_QUEUE, ws, rows))) {
    const statements = extra(d1);
    if (statements.length) await d1.batch(statements);
    return { accepted: rows.length, duplicates: null, queued: true };
  }
  const { accepted, duplicates, deliveries, late } = await storeRows(d1, ws, rows, Date.now(), extra(d1));
  // The answer never waits for webhooks; a delivery whose enqueue fails is re-sent by the cron.
  if (deliveries.length) ctx.waitUntil(enqueueDeliveries(env.WEBHOOKS, deliveries).catch((e) => console.error('enqueue', String(e))));
  if (late && onLate) ctx.waitUntil(onLate(d1));
  return { accepted, duplicates };
}
