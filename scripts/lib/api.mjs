// A small client of Trayecto's HTTP API, shared by `npm start` and the browser suite's seed.
import { setTimeout as sleep } from 'node:timers/promises';

const TRANSIENT = ['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET'];

/** An answer or a failure the caller can only report: its message says it all (no stack needed). */
export class ApiError extends Error {}

/**
 * `api(method, pathname, {key, body, timeoutMs})` → `{status, ok, headers, body, text}`.
 * While wrangler reloads the Worker (someone saved a file in src/) it answers 503 or drops
 * the connection; such calls are retried for up to 30 s. `stopping()` ends the retries.
 */
export function createApi(base, { stopping = () => false, retryDelayMs = 1_000 } = {}) {
  return async function api(method, pathname, { key, body, timeoutMs = 60_000 } = {}) {
    const headers = {};
    if (key) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const giveUpAt = Date.now() + 30_000;
    for (;;) {
      let res;
      try {
        res = await fetch(`${base}${pathname}`, { method, headers, body: payload, signal: AbortSignal.timeout(timeoutMs) });
      } catch (err) {
        if (!TRANSIENT.includes(err.cause?.code) || stopping() || Date.now() > giveUpAt) {
          throw new ApiError(`${method} ${pathname} failed: ${err.cause?.message ?? err.message}`);
        }
        await sleep(retryDelayMs);
        continue;
      }
      const text = await res.text();
      if (res.status === 503 && !stopping() && Date.now() < giveUpAt) {
        await sleep(retryDelayMs);
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
  };
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

/** The answer's body when its status is `status`; otherwise an error naming `what`. */
export function expectStatus(res, status, what) {
  if (res.status !== status) throw new ApiError(`${what}: expected HTTP ${status}, got ${describe(res)}`);
  return res.body;
}

/**
 * POST /v1/events {batch}: 5xx (e.g. 503 while wrangler reloads) and 429 are retried with
 * the same batch (nothing was stored, and messageIds make a resend idempotent anyway).
 * Returns the 202 body `{accepted, duplicates}`; null if `stopping()` cut it short.
 */
export async function sendBatch(api, key, batch, what, { attempts = 8, stopping = () => false } = {}) {
  for (let attempt = 1; ; attempt++) {
    let res = null;
    let error = null;
    try {
      res = await api('POST', '/v1/events', { key, body: { batch }, timeoutMs: 300_000 });
    } catch (err) {
      error = err;
    }
    if (stopping()) return null;
    if (res?.status === 202) return res.body;
    if (res && res.status < 500 && res.status !== 429) throw new ApiError(`POST /v1/events (${what}) was refused: ${describe(res)}`);
    if (attempt >= attempts) throw new ApiError(`POST /v1/events (${what}) kept failing: ${res ? describe(res) : error.message}`);
    const retryAfter = Number(res?.headers.get('retry-after'));
    await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : Math.min(5_000, 1_000 * attempt));
  }
}

/**
 * Rolls up `from`..`to` and rebuilds the reports. A rollup run (POST /v1/rollups → 202
 * `{id, status, days, daysDone}`) is followed with GET /v1/rollups/:id every `pollMs` until it
 * is done or failed; `onProgress(daysDone, days)` draws it. An API without runs answers
 * `{pending, rolledUp}` instead: the same call is then repeated until nothing is pending.
 * Returns `{status: 'done' | 'failed' | 'stopped', error?, days, daysDone, calls, log}`.
 */
export async function rollUp(api, key, from, to, { onProgress = () => {}, pollMs = 500, maxWaitMs = 600_000, stopping = () => false } = {}) {
  const log = [];
  const giveUpAt = Date.now() + maxWaitMs;
  const post = () => api('POST', '/v1/rollups', { key, body: { from, to }, timeoutMs: 600_000 });
  let r = expectStatus(await post(), 202, `POST /v1/rollups ${JSON.stringify({ from, to })}`);
  let calls = 1;
  if (r.id === undefined) {
    // Before rollup runs: each call rolls up a bounded number of days and says what is left.
    let days = 0;
    for (;;) {
      const rolled = Array.isArray(r.rolledUp) ? r.rolledUp.length : 0;
      days += rolled;
      const pending = Number(r.pending ?? 0);
      log.push(`call ${calls}: rolled up ${days} days, ${pending} pending`);
      onProgress(days, days + pending);
      if (!(pending > 0)) return { status: 'done', days, daysDone: days, calls, log };
      if (!rolled) return { status: 'failed', error: `a call rolled up nothing with ${pending} days pending`, days: days + pending, daysDone: days, calls, log };
      if (stopping()) return { status: 'stopped', days: days + pending, daysDone: days, calls, log };
      if (Date.now() > giveUpAt) return { status: 'failed', error: `${pending} days still pending`, days: days + pending, daysDone: days, calls, log };
      r = expectStatus(await post(), 202, 'POST /v1/rollups');
      calls++;
    }
  }
  log.push(`${from}..${to} → run ${r.id} ${r.status}, ${r.daysDone}/${r.days} days`);
  while (r.status === 'queued' || r.status === 'running') {
    onProgress(r.daysDone, r.days);
    if (stopping()) return { ...r, status: 'stopped', calls, log };
    if (Date.now() > giveUpAt) return { ...r, status: 'failed', error: `still ${r.status} after ${maxWaitMs / 1000} s`, calls, log };
    await sleep(pollMs);
    r = expectStatus(await api('GET', `/v1/rollups/${r.id}`, { key }), 200, `GET /v1/rollups/${r.id}`);
    calls++;
  }
  onProgress(r.daysDone, r.days);
  log.push(`${r.status} after ${calls - 1} polls: ${r.daysDone}/${r.days} days${r.error ? ` (${r.error})` : ''}`);
  return { ...r, calls, log };
}

/** One line that redraws itself on a terminal: `label [#####.....] 12/90 days`. */
export function progressBar(label, done, total, { last = false, out = process.stdout } = {}) {
  const width = 30;
  const filled = total ? Math.round((done / total) * width) : 0;
  const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} days`;
  if (out.isTTY) out.write(`\r${line}${last ? '\n' : ''}`);
  else if (last || done === 0) out.write(`${line}\n`);
}
