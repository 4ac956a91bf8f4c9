import type { Scope } from '../env.ts';

const enc = new TextEncoder();

/** Standard base64 (with padding). */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** Standard base64 (throws on a malformed string). */
export const fromBase64 = (s: string): Uint8Array => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));

/** URL-safe base64 without padding (RFC 4648 §5). */
export const base64url = (bytes: Uint8Array): string => toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
export const fromBase64url = (s: string): Uint8Array => fromBase64(s.replace(/-/g, '+').replace(/_/g, '/'));

/** An HMAC key over raw secret bytes (or the UTF-8 of a text secret). */
export function hmacKey(secret: string | Uint8Array, hash: 'SHA-1' | 'SHA-256', usages: ('sign' | 'verify')[]): Promise<CryptoKey> {
  const raw = typeof secret === 'string' ? enc.encode(secret) : secret;
  return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash }, false, usages);
}

export function randomId(bytes = 8): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function randomSecret(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

export async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', enc.encode(text)));
}

export async function sha256Hex(text: string): Promise<string> {
  return [...(await sha256(text))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Constant-time comparison of two strings, by comparing their SHA-256 digests (equal length). */
export async function timingSafeEqualText(a: string, b: string): Promise<boolean> {
  const [ha, hb] = await Promise.all([sha256(a), sha256(b)]);
  return crypto.subtle.timingSafeEqual(ha, hb);
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

// A key reads `tr_<scope>_<id>_<secret>`: the id finds the row, the secret is checked
// against its stored hash in constant time, and the scope is visible to a human.
const KEY_RE = /^tr_(ingest|read|admin)_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export type ParsedKey = { scope: Scope; id: string; secret: string };

export function parseKey(key: string): ParsedKey | null {
  const m = KEY_RE.exec(key);
  return m ? { scope: m[1] as Scope, id: m[2], secret: m[3] } : null;
}

export function formatKey(scope: Scope, id: string, secret: string): string {
  return `tr_${scope}_${id}_${secret}`;
}

/** The shortest operator token or session secret accepted (a random 32-byte base64url string is 43). */
export const MIN_SECRET_LENGTH = 32;
export const strongEnough = (secret: string | undefined): secret is string => typeof secret === 'string' && secret.length >= MIN_SECRET_LENGTH;
