// Queue-buffered ingestion (INGEST_MODE = "queue"): the edge validates and enqueues the
// rows; this consumer writes them to D1 with the same statements and the same messageId
// dedupe as the direct path, so a redelivered message stores nothing twice.
import type { Env, IngestMessage, Row } from '../env.ts';
import { flagLate, storeRows } from './store.ts';
import { backoffSeconds, enqueueDeliveries } from '../loop/webhooks.ts';
import { chunkBySize } from '../platform/chunk.ts';

/** Queue names as in wrangler.toml (the consumer tells its queues apart by name). */
export const INGEST_QUEUE = 'trayecto-ingest';

// Cloudflare Queues: a message is at most 128 KB, one sendBatch at most 100 messages and
// 256 KB. Staying under both keeps a request to one sendBatch, which is all-or-nothing.
const MESSAGE_BYTES = 120_000;
const SEND_BYTES = 240_000;
// What one D1 statement's JSON parameter may carry when the consumer merges messages.
const STORE_BYTES = 900_000;

const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v)).byteLength;


/**
 * Enqueues a request's rows in one all-or-nothing sendBatch. Returns false, having sent
 * nothing, when they do not fit one: the caller then writes them directly.
 */
export async function enqueueRows(queue: Queue<IngestMessage>, ws: string, rows: Row[]): Promise<boolean> {
  const sizes = new Map(rows.map((r) => [r, bytes(r)]));
  const total = [...sizes.values()].reduce((a, b) => a + b + 1, 0);
  if (total > SEND_BYTES) return false;
  const parts = chunkBySize(rows, (r) => sizes.get(r)!, MESSAGE_BYTES);
  const at = Date.now();
  await queue.sendBatch(parts.map((part) => ({ body: { ws, rows: part, at }, contentType: 'json' as const })));
  return true;
}

/** What to do when stored rows changed complete days and no drain is live (start one). */
type OnLate = (ws: string) => Promise<unknown>;

type Rows = Map<Message<IngestMessage>, Row[]>;

/**
 * Each message's rows, less those of customers erased after the message was accepted: the
 * erasure could not reach them while they waited in the queue. Rows are flagged late again by
 * the clock of the write: a row queued before midnight and stored after it belongs to a day that
 * is complete by now (a lifecycle one must then note its day for the lifecycle pass).
 */
async function rowsToStore(env: Env, ws: string, messages: Message<IngestMessage>[]): Promise<Rows> {
  const customers = [...new Set(messages.flatMap((m) => m.body.rows.map((r) => r.c)))];
  const [erasedRows, workspace] = await env.DB.batch([
    env.DB.prepare(
      'SELECT customer_id AS c, erased_at AS at FROM erased_customers WHERE workspace_id = ?1 AND customer_id IN (SELECT value FROM json_each(?2))',
    ).bind(ws, JSON.stringify(customers)),
    env.DB.prepare('SELECT timezone FROM workspaces WHERE id = ?1').bind(ws),
  ]);
  const erased = new Map((erasedRows.results as { c: string; at: number }[]).map((r) => [r.c, r.at]));
  const tz = (workspace.results as { timezone: string }[])[0]?.timezone;
  const late = tz ? flagLate(tz, Date.now()) : (r: Row) => r;
  return new Map(messages.map((m) => [m, m.body.rows.filter((r) => !((erased.get(String(r.c)) ?? -1) >= m.body.at)).map(late)]));
}

/** Stores the messages' rows in one D1 batch and acks them; false (nothing acked) on failure. */
async function tryStore(env: Env, ws: string, messages: Message<IngestMessage>[], rows: Rows, onLate: OnLate): Promise<boolean> {
  try {
    const all = messages.flatMap((m) => rows.get(m)!);
    const { deliveries, late } = all.length ? await storeRows(env.DB, ws, all) : { deliveries: [], late: false };
    for (const m of messages) m.ack();
    if (deliveries.length) await enqueueDeliveries(env.WEBHOOKS, deliveries).catch((e) => console.error('enqueue', String(e)));
    if (late) await onLate(ws).catch((e) => console.error('drain not started', ws, String(e)));
    return true;
  } catch (err) {
    console.error('ingest write failed', ws, messages.length, err instanceof Error ? err.message : String(err));
    return false;
  }
}

/**
 * Writes a batch of messages, merging each workspace's into as few D1 batches as fit. When a
 * merged write fails its messages are tried one by one, so that one bad message is retried
 * (and finally dead-lettered) alone. A message is acked only after its rows are stored.
 */
export async function handleIngestBatch(batch: MessageBatch<IngestMessage>, env: Env, onLate: OnLate = async () => {}) {
  const byWorkspace = new Map<string, Message<IngestMessage>[]>();
  for (const msg of batch.messages) byWorkspace.set(msg.body.ws, [...(byWorkspace.get(msg.body.ws) ?? []), msg]);
  for (const [ws, messages] of byWorkspace) {
    let rows: Rows;
    try {
      rows = await rowsToStore(env, ws, messages);
    } catch (err) {
      console.error('ingest erasure check failed', ws, err instanceof Error ? err.message : String(err));
      for (const m of messages) m.retry({ delaySeconds: backoffSeconds(m.attempts, 5) });
      continue;
    }
    for (const group of chunkBySize(messages, (m) => bytes(rows.get(m)), STORE_BYTES)) {
      if (await tryStore(env, ws, group, rows, onLate)) continue;
      for (const m of group) {
        if (group.length === 1 || !(await tryStore(env, ws, [m], rows, onLate))) m.retry({ delaySeconds: backoffSeconds(m.attempts, 5) });
      }
    }
  }
}

// Messages that exhausted their retries are kept in D1 for the operator, not dropped: each
// on its own, and one that cannot be written yet goes back to this queue (it retries for long).
export async function keepDeadLetters(batch: MessageBatch<IngestMessage>, env: Env) {
  for (const m of batch.messages) {
    try {
      await env.DB.prepare('INSERT INTO ingest_dead_letters (id, workspace_id, body, attempts, at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING')
        .bind(m.id, m.body.ws, JSON.stringify(m.body.rows), m.attempts, Date.now())
        .run();
      m.ack();
    } catch (err) {
      console.error('dead letter not kept yet', m.id, err instanceof Error ? err.message : String(err));
      m.retry({ delaySeconds: backoffSeconds(m.attempts, 60) });
    }
  }
}
