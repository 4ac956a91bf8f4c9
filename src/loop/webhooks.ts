// Webhook delivery through a Queue: the ingest path only records a pending delivery and
// enqueues its id; the consumer signs it (Standard Webhooks) and sends, records every
// attempt, and retries with exponential back-off (or the receiver's Retry-After) until a
// 2xx, a 410 (which disables the endpoint) or the dead-letter queue.
import type { Env } from '../env.ts';
import { caseOut, type CaseRow } from './cases.ts';
import { activeSecrets, retryAfterSeconds, standardWebhookHeaders } from './standard-webhooks.ts';

export { newWebhookSecret } from './standard-webhooks.ts';

export type DeliveryMessage = { deliveryId: string };

import { webhookUrlProblem } from './webhook-url.ts';

export { webhookUrlProblem };

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

async function payloadFor(d1: D1Database, deliveryId: string, type: string, c: CaseRow & { workspace_id: string }): Promise<string> {
  const e = await d1.prepare('SELECT * FROM events WHERE workspace_id = ?1 AND message_id = ?2').bind(c.workspace_id, c.message_id).first<EventRow>();
  const data = { case: caseOut(c), event: e ? eventOut(e) : null };
  const body = JSON.stringify({ type, timestamp: new Date().toISOString(), data });
  // First writer wins, so every retry sends exactly the same bytes.
  await d1.prepare('UPDATE deliveries SET payload = ?2 WHERE id = ?1 AND payload IS NULL').bind(deliveryId, body).run();
  return (await d1.prepare('SELECT payload FROM deliveries WHERE id = ?1').bind(deliveryId).first<{ payload: string }>())!.payload;
}

type Retry = { retryAfter: number | null };
type HookRow = { status: string; type: string; payload: string | null; case_id: string; workspace_id: string; url: string | null; secret: string | null;
  previous_secret: string | null; previous_secret_until: number | null; disabled_at: number | null };

/**
 * One attempt; 'done' when there is nothing more to do, else when to retry (the receiver's
 * Retry-After, or null for the usual back-off).
 */
export async function attemptDelivery(env: Env, d1: D1Database, deliveryId: string): Promise<'done' | Retry> {
  const row = await d1
    .prepare(
      `SELECT d.status, d.type, d.payload, d.case_id, d.workspace_id, h.url, h.secret, h.previous_secret, h.previous_secret_until, h.disabled_at
       FROM deliveries d LEFT JOIN webhooks h ON h.workspace_id = d.workspace_id WHERE d.id = ?1`,
    )
    .bind(deliveryId)
    .first<HookRow>();
  if (!row || row.status !== 'pending') return 'done';
  if (!row.url || !row.secret || row.disabled_at !== null) {
    await d1.prepare(`UPDATE deliveries SET status = 'cancelled', updated_at = ?2 WHERE id = ?1`).bind(deliveryId, Date.now()).run();
    return 'done';
  }
  let body = row.payload;
  if (body === null) {
    const c = await d1.prepare('SELECT * FROM cases WHERE id = ?1').bind(row.case_id).first<CaseRow & { workspace_id: string }>();
    if (!c) return 'done';
    body = await payloadFor(d1, deliveryId, row.type, c);
  }
  const started = Date.now();
  let statusCode: number | null = null;
  let error: string | null = null;
  let retryAfter: number | null = null;
  const secrets = activeSecrets({ secret: row.secret, previousSecret: row.previous_secret, previousSecretUntil: row.previous_secret_until }, started);
  // Stored before a rule tightened, or set by hand: checked again before every attempt.
  const urlProblem = webhookUrlProblem(row.url, env.WEBHOOK_ALLOW_HTTP === 'true');
  try {
    if (urlProblem) throw new Error(`the webhook URL ${urlProblem}`);
    const res = await fetch(row.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Trayecto-Webhooks/1',
        ...(await standardWebhookHeaders(deliveryId, body, secrets, started)),
      },
      body,
    });
    statusCode = res.status;
    retryAfter = retryAfterSeconds(res.headers.get('retry-after'), Date.now());
    await res.body?.cancel();
  } catch (err) {
    // The admin sees no network detail (refused, reset, timeout…): that would map the networks
    // a URL can reach. The operator's log keeps it.
    console.error('webhook attempt failed', deliveryId, err instanceof Error ? err.message : String(err));
    error = urlProblem ? `the webhook URL ${urlProblem}` : 'the request did not complete (no HTTP answer)';
  }
  const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
  // 410 Gone: the receiver says the endpoint no longer exists (Standard Webhooks), so it is
  // disabled and this delivery and the pending ones are cancelled until the admin sets it again.
  const gone = statusCode === 410;
  const now = Date.now();
  await d1.batch([
    d1
      .prepare(
        `INSERT INTO delivery_attempts (delivery_id, attempt, at, status_code, error, duration_ms)
         VALUES (?1, (SELECT attempts + 1 FROM deliveries WHERE id = ?1), ?2, ?3, ?4, ?5)`,
      )
      .bind(deliveryId, started, statusCode, error, now - started),
    d1
      .prepare(
        `UPDATE deliveries SET attempts = attempts + 1,
           status = CASE WHEN ?2 THEN 'delivered' WHEN ?3 THEN 'cancelled' ELSE status END, updated_at = ?4 WHERE id = ?1`,
      )
      .bind(deliveryId, ok ? 1 : 0, gone ? 1 : 0, now),
    ...(gone ? disableStatements(d1, row.workspace_id, row.url, now) : []),
  ]);
  return ok || gone ? 'done' : { retryAfter };
}

function disableStatements(d1: D1Database, ws: string, url: string, now: number) {
  return [
    // Only the URL that answered 410: an admin who set a new one meanwhile keeps it enabled.
    d1.prepare('UPDATE webhooks SET disabled_at = ?3 WHERE workspace_id = ?1 AND url = ?2 AND disabled_at IS NULL').bind(ws, url, now),
    d1.prepare(`UPDATE deliveries SET status = 'cancelled', updated_at = ?2 WHERE workspace_id = ?1 AND status = 'pending'`).bind(ws, now),
  ];
}

/** Seconds before retry n (1-based): base × 2^(n−1), at most an hour. */
export const backoffSeconds = (attempts: number, base: number) => Math.min(3600, Math.round(base * 2 ** Math.max(0, attempts - 1)));

/** The webhook queue's name as in wrangler.toml (dead letters: `-dlq`). */
export const WEBHOOK_QUEUE = 'trayecto-webhooks';

export async function handleDeliveries(batch: MessageBatch<DeliveryMessage>, env: Env, d1: D1Database) {
  const deadLetters = batch.queue.endsWith('-dlq');
  const base = Number(env.WEBHOOK_RETRY_BASE_SECONDS ?? '30');
  for (const msg of batch.messages) {
    try {
      if (deadLetters) {
        await d1.prepare(`UPDATE deliveries SET status = 'dead', updated_at = ?2 WHERE id = ?1 AND status = 'pending'`).bind(msg.body.deliveryId, Date.now()).run();
        msg.ack();
      } else {
        const result = await attemptDelivery(env, d1, msg.body.deliveryId);
        if (result === 'done') msg.ack();
        else msg.retry({ delaySeconds: result.retryAfter ?? backoffSeconds(msg.attempts, base) });
      }
    } catch (err) {
      console.error('delivery failed', msg.body.deliveryId, err instanceof Error ? err.message : String(err));
      msg.retry({ delaySeconds: backoffSeconds(msg.attempts, base) });
    }
  }
}

// Reads the partial index deliveries_stranded only (never every delivery of every workspace).
export const STRANDED_DELIVERIES = `SELECT id FROM deliveries WHERE status = 'pending' AND attempts = 0 AND created_at < ?1 ORDER BY created_at LIMIT 500`;

/** Deliveries recorded but never attempted 10 minutes on (their enqueue was lost) go again. */
export async function resendStrandedDeliveries(env: Env, now: number) {
  const { results } = await env.DB.prepare(STRANDED_DELIVERIES)
    .bind(now - 10 * 60_000)
    .all<{ id: string }>();
  if (results.length) await enqueueDeliveries(env.WEBHOOKS, results.map((r) => r.id));
}
