// The API client of npm start: retries while wrangler reloads, problem details in errors.
import { setTimeout as sleep } from 'node:timers/promises';
import { StartError } from './output.mjs';
import { run } from './processes.mjs';

export const HOST = '127.0.0.1';
export const PORT = 8787;
export const BASE = `http://${HOST}:${PORT}`;

/**
 * One API call. While wrangler reloads the Worker (another engineer saved a file in src/)
 * it answers 503 or drops the connection; such calls are retried for up to 30 s.
 */
export async function api(method, pathname, { key, body, timeoutMs = 60_000 } = {}) {
  const headers = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const giveUpAt = Date.now() + 30_000;
  for (;;) {
    let res;
    try {
      res = await fetch(`${BASE}${pathname}`, { method, headers, body: payload, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      const transient = ['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET'].includes(err.cause?.code);
      if (!transient || run.shuttingDown || Date.now() > giveUpAt) {
        throw new StartError(`${method} ${pathname} failed: ${err.cause?.message ?? err.message}`);
      }
      await sleep(1_000);
      continue;
    }
    const text = await res.text();
    if (res.status === 503 && !run.shuttingDown && Date.now() < giveUpAt) {
      await sleep(1_000);
      continue;
    }
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, ok: res.ok, headers: res.headers, body: json, text };
  }
}

/** A one-line account of an answer: the problem's title, detail and first field errors. */
export function describe(res) {
  const b = res.body;
  if (b && typeof b === 'object' && (b.title || b.detail)) {
    const errors = Array.isArray(b.errors) ? b.errors : [];
    const listed = errors
      .slice(0, 5)
      .map((e) => `${e.path || '(body)'}: ${e.message}`)
      .join('; ');
    const more = errors.length > 5 ? ` (+${errors.length - 5} more)` : '';
    return `HTTP ${res.status} ${b.title ?? ''} — ${String(b.detail ?? '').replace(/\.$/, '')}${listed ? ` [${listed}${more}]` : ''}`;
  }
  return `HTTP ${res.status} ${res.text.slice(0, 300)}`;
}

export function expectStatus(res, status, what) {
  if (res.status !== status) throw new StartError(`${what}: expected HTTP ${status}, got ${describe(res)}`);
  return res.body;
}
