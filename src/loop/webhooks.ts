// Webhook delivery through a Queue: the ingest path only records a pending delivery and
// enqueues its id; the consumer signs and sends, records every attempt, and retries with
// exponential back-off until a 2xx or the dead-letter queue.
import type { Env } from '../env.ts';
import { randomSecret } from '../platform/crypto.ts';
import { caseOut, type CaseRow } from './cases.ts';

export type DeliveryMessage = { deliveryId: string };

const PRIVATE_V4 = [/^10\./, /^127\./, /^0\./, /^169\.254\./, /^192\.168\./, /^172\.(1[6-9]|2\d|3[01])\./, /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./];

/** https only (http to localhost when allowed for local development); never private addresses. */
export function webhookUrlProblem(raw: string, allowHttp: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const loopback = host === 'localhost' || host === '127.0.0.1' || host === '::1';
  if (url.username || url.password) return 'must not carry credentials';
  if (url.protocol === 'http:' && allowHttp && loopback) return null;
  if (url.protocol !== 'https:') return 'must use https';
  if (loopback || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) return 'must not point to a local or private host';
  if (PRIVATE_V4.some((re) => re.test(host))) return 'must not point to a private address';
  if (host.includes(':') && (/^f[cd]/.test(host) || host.startsWith('fe80') || host === '::')) return 'must not point to a private address';
  return null;
}

export const newWebhookSecret = () => `whsec_${randomSecret(24)}`;

export async function sign(secret: string, body: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(body)));
  return [...mac].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function enqueueDeliveries(queue: Queue<DeliveryMessage>, ids: string[]) {
  for (let i = 0; i < ids.length; i += 100) {
    await queue.sendBatch(ids.slice(i, i + 100).map((deliveryId) => ({ body: { deliveryId } })));
  }
}

type EventRow = Record<string, unknown> & { message_id: string; type: string; ts: number };

/** The triggering event in the API's shape. */
function eventOut(e: EventRow) {
  const pick = (k: string, v: unknown) => (v === null || v === undefined ? {} : { [k]: v });
  return {
    type: e.type,
    messageId: e.message_id,
    customerId: e.customer_id,
    timestamp: new Date(e.ts).toISOString(),
    ...pick('touchpoint', e.touchpoint),
    ...pick('channel', e.channel),
    ...pick('outcome', e.outcome),
    ...pick('sentiment', e.sentiment),
    ...pick('emotion', e.emotion),
    ...pick('survey', e.survey),
    ...pick('score', e.score),
    ...pick('comment', e.comment),
  };
}

async function payloadFor(d1: D1Database, deliveryId: string, c: CaseRow & { workspace_id: string }): Promise<string> {
  const e = await d1.prepare('SELECT * FROM events WHERE workspace_id = ?1 AND message_id = ?2').bind(c.workspace_id, c.message_id).first<EventRow>();
  const body = JSON.stringify({ type: 'case.opened', case: caseOut(c), event: e ? eventOut(e) : null });
  // First writer wins, so every retry sends exactly the same bytes.
  await d1.prepare('UPDATE deliveries SET payload = ?2 WHERE id = ?1 AND payload IS NULL').bind(deliveryId, body).run();
  return (await d1.prepare('SELECT payload FROM deliveries WHERE id = ?1').bind(deliveryId).first<{ payload: string }>())!.payload;
}

/** One attempt; 'done' when there is nothing more to do, 'retry' when the receiver failed. */
export async function attemptDelivery(env: Env, d1: D1Database, deliveryId: string): Promise<'done' | 'retry'> {
  const row = await d1
    .prepare(
      `SELECT d.status, d.payload, d.case_id, h.url, h.secret FROM deliveries d
       LEFT JOIN webhooks h ON h.workspace_id = d.workspace_id WHERE d.id = ?1`,
    )
    .bind(deliveryId)
    .first<{ status: string; payload: string | null; case_id: string; url: string | null; secret: string | null }>();
  if (!row || row.status !== 'pending') return 'done';
  if (!row.url || !row.secret) {
    await d1.prepare(`UPDATE deliveries SET status = 'cancelled', updated_at = ?2 WHERE id = ?1`).bind(deliveryId, Date.now()).run();
    return 'done';
  }
  let body = row.payload;
  if (body === null) {
    const c = await d1.prepare('SELECT * FROM cases WHERE id = ?1').bind(row.case_id).first<CaseRow & { workspace_id: string }>();
    if (!c) return 'done';
    body = await payloadFor(d1, deliveryId, c);
  }
  const started = Date.now();
  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    const res = await fetch(row.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Trayecto-Webhooks/1',
        'x-trayecto-delivery': deliveryId,
        'x-trayecto-signature': `sha256=${await sign(row.secret, body)}`,
      },
      body,
    });
    statusCode = res.status;
    await res.body?.cancel();
  } catch (err) {
    error = (err instanceof Error ? err.message : String(err)).slice(0, 500);
  }
  const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
  const now = Date.now();
  await d1.batch([
    d1
      .prepare(
        `INSERT INTO delivery_attempts (delivery_id, attempt, at, status_code, error, duration_ms)
         VALUES (?1, (SELECT attempts + 1 FROM deliveries WHERE id = ?1), ?2, ?3, ?4, ?5)`,
      )
      .bind(deliveryId, started, statusCode, error, now - started),
    d1
      .prepare(`UPDATE deliveries SET attempts = attempts + 1, status = CASE WHEN ?2 THEN 'delivered' ELSE status END, updated_at = ?3 WHERE id = ?1`)
      .bind(deliveryId, ok ? 1 : 0, now),
  ]);
  return ok ? 'done' : 'retry';
}

/** Seconds before retry n (1-based): base × 2^(n−1), at most an hour. */
export const backoffSeconds = (attempts: number, base: number) => Math.min(3600, Math.round(base * 2 ** Math.max(0, attempts - 1)));

export async function handleDeliveries(batch: MessageBatch<DeliveryMessage>, env: Env, d1: D1Database) {
  const deadLetters = batch.queue.endsWith('-dlq');
  const base = Number(env.WEBHOOK_RETRY_BASE_SECONDS ?? '30');
  for (const msg of batch.messages) {
    try {
      if (deadLetters) {
        await d1.prepare(`UPDATE deliveries SET status = 'dead', updated_at = ?2 WHERE id = ?1 AND status = 'pending'`).bind(msg.body.deliveryId, Date.now()).run();
        msg.ack();
      } else if ((await attemptDelivery(env, d1, msg.body.deliveryId)) === 'done') {
        msg.ack();
      } else {
        msg.retry({ delaySeconds: backoffSeconds(msg.attempts, base) });
      }
    } catch (err) {
      console.error('delivery failed', msg.body.deliveryId, err instanceof Error ? err.message : String(err));
      msg.retry({ delaySeconds: backoffSeconds(msg.attempts, base) });
    }
  }
}

/** Deliveries recorded but never attempted 10 minutes on (their enqueue was lost) go again. */
export async function resendStrandedDeliveries(env: Env, now: number) {
  const { results } = await env.DB.prepare(
    `SELECT id FROM deliveries WHERE status = 'pending' AND attempts = 0 AND created_at < ?1 ORDER BY created_at LIMIT 500`,
  )
    .bind(now - 10 * 60_000)
    .all<{ id: string }>();
  if (results.length) await enqueueDeliveries(env.WEBHOOKS, results.map((r) => r.id));
}
