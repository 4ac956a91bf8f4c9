// Standard Webhooks (standardwebhooks.com) signing, so that receivers verify deliveries with
// the official libraries rather than a verifier for a format of our own. The signature covers
// the delivery id and the attempt's timestamp as well as the body, so a captured delivery
// cannot be replayed past the receiver's tolerance (5 minutes in the official libraries).

import { fromBase64, hmacKey, toBase64 } from '../platform/crypto.ts';

const enc = new TextEncoder();

/** How long a rotated-out secret keeps signing beside the new one. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

// Cloudflare Queues delay a retry by at most 12 hours.
const MAX_RETRY_DELAY_SECONDS = 12 * 3600;

/** `whsec_` and standard base64 of 32 random bytes: the form the official libraries decode. */
export const newWebhookSecret = () => `whsec_${toBase64(crypto.getRandomValues(new Uint8Array(32)))}`;

const secretBytes = (secret: string): Uint8Array => fromBase64(secret.replace(/^whsec_/, ''));

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` with one secret. */
export async function signatureV1(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const key = await hmacKey(secretBytes(secret), 'SHA-256', ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, enc.encode(`${id}.${timestamp}.${body}`));
  return `v1,${toBase64(new Uint8Array(mac))}`;
}

export type SigningSecrets = { secret: string; previousSecret: string | null; previousSecretUntil: number | null };

/** The secrets that sign now: the current one, and the previous one within its overlap. */
export function activeSecrets(s: SigningSecrets, now: number): string[] {
  const previous = s.previousSecret && (s.previousSecretUntil ?? 0) > now ? [s.previousSecret] : [];
  return [s.secret, ...previous];
}

/** Headers of one attempt: the id is the delivery's (the same on every retry), the time is now. */
export async function standardWebhookHeaders(id: string, body: string, secrets: string[], now: number): Promise<Record<string, string>> {
  const timestamp = Math.floor(now / 1000);
  const signatures = await Promise.all(secrets.map((s) => signatureV1(s, id, timestamp, body)));
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signatures.join(' ') };
}

/** The receiver's Retry-After (seconds or an HTTP date) as a queue delay; null when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now: number): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  const seconds = /^\d+$/.test(trimmed) ? Number(trimmed) : (Date.parse(trimmed) - now) / 1000;
  if (!Number.isFinite(seconds)) return null;
  return Math.min(MAX_RETRY_DELAY_SECONDS, Math.max(0, Math.ceil(seconds)));
}
