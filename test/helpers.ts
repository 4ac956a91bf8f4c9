import { applyD1Migrations } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';

export const OPERATOR = 'test-operator-token-0123456789abcdef';

type Options = { method?: string; key?: string | null; body?: unknown; raw?: BodyInit; headers?: Record<string, string> };

/** Sends a request through the Worker's own fetch handler (same isolate, real local D1/KV). */
export async function api(path: string, opts: Options = {}): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  let body: BodyInit | undefined = opts.raw;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  return exports.default.fetch(
    new Request(`https://trayecto.test${path}`, { method: opts.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' }),
  );
}

export async function apiJson<T = any>(path: string, opts: Options = {}): Promise<{ status: number; body: T; res: Response }> {
  const res = await api(path, opts);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, res };
}

export type TestWorkspace = { id: string; name: string; timezone: string; keys: { ingest: string; read: string; admin: string } };

let counter = 0;
export async function newWorkspace(timezone = 'UTC'): Promise<TestWorkspace> {
  const { status, body } = await apiJson('/v1/workspaces', { key: OPERATOR, body: { name: `Test ${++counter}`, timezone } });
  if (status !== 201) throw new Error(`workspace creation failed: ${status} ${JSON.stringify(body)}`);
  return body;
}

export async function send(ws: TestWorkspace, payload: unknown) {
  return apiJson('/v1/events', { key: ws.keys.ingest, body: payload });
}

/** A store with three stages and touchpoints across channels, like the seeds' retail examples. */
export async function configureInventory(ws: TestWorkspace) {
  const stages = [
    ['awareness', 'Awareness', 1],
    ['purchase', 'Purchase', 2],
    ['after-sales', 'After-sales', 3],
  ] as const;
  for (const [key, name, position] of stages) {
    await api(`/v1/stages/${key}`, { method: 'PUT', key: ws.keys.admin, body: { name, position } });
  }
  const tps = [
    ['ads', 'Display ads', 'awareness', 'web', true, 'marketing@shop.test', false],
    ['checkout', 'Online checkout', 'purchase', 'web', true, 'ecommerce@shop.test', true],
    ['store-till', 'Store till', 'purchase', 'store', true, 'retail-ops', false],
    ['support-call', 'Support call', 'after-sales', 'phone', true, 'support-team', true],
  ] as const;
  for (const [key, name, stage, channel, intentional, owner, critical] of tps) {
    const res = await api(`/v1/touchpoints/${key}`, {
      method: 'PUT',
      key: ws.keys.admin,
      body: { name, stage, channel, intentional, owner, critical },
    });
    if (res.status !== 200) throw new Error(`touchpoint ${key}: ${res.status} ${await res.text()}`);
  }
}

export async function countRows(table: string, workspaceId: string): Promise<number> {
  const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE workspace_id = ?`).bind(workspaceId).first<{ n: number }>();
  return row?.n ?? 0;
}

export function iso(day: string, time = '12:00:00', offset = 'Z') {
  return `${day}T${time}${offset}`;
}

// ---- Added for the ingestion-edge suites (config, auth, ingest, limits, property) ----

/** Asserts an RFC 9457 answer with this status; returns the parsed problem. */
export async function expectProblem(res: Response, status: number): Promise<{ type: string; title: string; status: number; detail: string; errors?: { path: string; message: string }[] }> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text.slice(0, 500)}`);
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('application/problem+json')) throw new Error(`expected problem+json, got ${type}`);
  const body = JSON.parse(text);
  for (const f of ['type', 'title', 'detail'] as const) {
    if (typeof body[f] !== 'string' || !body[f]) throw new Error(`problem lacks ${f}: ${text}`);
  }
  if (body.status !== status) throw new Error(`problem.status ${body.status} ≠ ${status}`);
  return body;
}

/** The `errors[].path` values of a validation problem. */
export function errorPaths(problem: { errors?: { path: string }[] }): string[] {
  return (problem.errors ?? []).map((e) => e.path);
}

/** Row counts of what ingestion writes, for one workspace. */
export async function ingestCounts(workspaceId: string) {
  const [events, customers, dirtyDays] = await Promise.all([
    countRows('events', workspaceId),
    countRows('customers', workspaceId),
    countRows('dirty_days', workspaceId),
  ]);
  return { events, customers, dirtyDays };
}

/** Sends `payload` to /v1/events as-is (already serialised or raw), with a JSON content type unless told otherwise. */
export async function sendRaw(ws: TestWorkspace, raw: BodyInit, headers: Record<string, string> = {}) {
  return api('/v1/events', { method: 'POST', key: ws.keys.ingest, raw, headers: { 'content-type': 'application/json', ...headers } });
}

let eventCounter = 0;
/** A valid event of each type, distinct messageIds unless overridden. */
export const ev = {
  id: (prefix = 'm') => `${prefix}-${++eventCounter}`,
  identify: (o: Record<string, unknown> = {}) => ({ type: 'identify', messageId: ev.id(), customerId: 'cust-1', segment: 'gold', ...o }),
  interaction: (o: Record<string, unknown> = {}) => ({ type: 'interaction', messageId: ev.id(), customerId: 'cust-1', touchpoint: 'checkout', outcome: 'success', ...o }),
  response: (o: Record<string, unknown> = {}) => ({ type: 'response', messageId: ev.id(), customerId: 'cust-1', survey: 'nps', score: 9, ...o }),
  lifecycle: (o: Record<string, unknown> = {}) => ({ type: 'lifecycle', messageId: ev.id(), customerId: 'cust-1', status: 'started', ...o }),
  ticket: (o: Record<string, unknown> = {}) => ({ type: 'ticket', messageId: ev.id(), customerId: 'cust-1', ticketId: 'T-1', status: 'opened', ...o }),
};

/** Polls until `check` passes (queue consumers run asynchronously); throws after `timeoutMs`. */
export async function eventually<T>(read: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (check(v)) return v;
    if (Date.now() > until) throw new Error(`not met within ${timeoutMs} ms; last value: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Waits for the next window of a rate limit of `periodS` seconds when fewer than `needS` seconds
 * are left in the current one: local rate limits count in windows aligned to the wall clock, so a
 * test that spends a budget must not straddle two windows.
 */
export async function roomInRateWindow(periodS: number, needS: number): Promise<void> {
  const left = periodS * 1000 - (Date.now() % (periodS * 1000));
  if (left < needS * 1000) await new Promise((r) => setTimeout(r, left + 50));
}

/** Where the Worker's webhooks land in tests (test/webhook-receiver.ts records every call). */
export const HOOKS = 'https://hooks.receiver.test';
export type HookCall = { body: string; headers: Record<string, string>; status: number; at: number };
/** The calls one webhook id received, oldest first. */
export async function received(hookId: string): Promise<HookCall[]> {
  return (await (await fetch(`${HOOKS}/__log/${hookId}`)).json()) as HookCall[];
}

/**
 * MIGRATION_DB migrated up to, not including, the migration whose name starts with `prefix`
 * (fails if there is none); `apply()` then runs that one, `applyAll()` it and every later one.
 */
export async function migratedBefore(prefix: string) {
  const db = env.MIGRATION_DB;
  const at = env.TEST_MIGRATIONS.findIndex((m) => m.name.startsWith(prefix));
  if (at <= 0) throw new Error(`no migration ${prefix}`);
  await applyD1Migrations(db, env.TEST_MIGRATIONS.slice(0, at));
  return {
    db,
    apply: () => applyD1Migrations(db, env.TEST_MIGRATIONS.slice(0, at + 1)),
    applyAll: () => applyD1Migrations(db, env.TEST_MIGRATIONS),
  };
}
