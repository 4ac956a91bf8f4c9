import { newWebhookSecret, ROTATION_OVERLAP_MS } from './standard-webhooks.ts';

/**
 * Gives the webhook a new secret; the current one becomes the previous one and keeps signing
 * for 24 hours. A rotation during an overlap ends the older overlap (only two secrets sign).
 * Null when the workspace has no webhook.
 */
export async function rotateWebhookSecret(d1: D1Database, ws: string, now: number) {
  const secret = newWebhookSecret();
  const until = now + ROTATION_OVERLAP_MS;
  const row = await d1
    .prepare(
      `UPDATE webhooks SET previous_secret = secret, previous_secret_until = ?3, secret = ?2
       WHERE workspace_id = ?1 RETURNING workspace_id`,
    )
    .bind(ws, secret, until)
    .first();
  return row ? { secret, previousSecretValidUntil: new Date(until).toISOString() } : null;
}
