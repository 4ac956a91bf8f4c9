// Every SQL statement the Worker prepares while it serves a day of a workspace's life: the
// scenario's events, their rollup, every report, cases, keys, webhook, erasure, the Segment
// source, and the cron's sweeps. The index test explains each of them.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import worker from '../src/index.ts';
import type { Env } from '../src/env.ts';
import { ESCALATION_SQL } from '../src/loop/escalation.ts';
import { resendStrandedDeliveries } from '../src/loop/webhooks.ts';
import { drainAll } from '../src/rollup/drain.ts';
import { configureInventory, OPERATOR, type TestWorkspace } from './helpers.ts';
import { D1, D3, NOW, scenario, TZ } from './scenario.ts';

function recording(db: D1Database, seen: Set<string>): D1Database {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') return (sql: string) => (seen.add(sql), target.prepare(sql));
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export async function recordStatements(): Promise<Set<string>> {
  const seen = new Set<string>(Object.values(ESCALATION_SQL));
  const e = { ...env, DB: recording(env.DB, seen) } as Env;
  const call = async (method: string, path: string, key?: string, body?: unknown, extra: Record<string, string> = {}) => {
    const ctx = createExecutionContext();
    const headers: Record<string, string> = { 'content-type': 'application/json', ...extra };
    if (key) headers.authorization = `Bearer ${key}`;
    const res = await worker.fetch(new Request(`https://trayecto.test${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }), e, ctx);
    await waitOnExecutionContext(ctx);
    return { status: res.status, body: (await res.json().catch(() => null)) as any };
  };
  const ws = (await call('POST', '/v1/workspaces', OPERATOR, { name: 'Indexes', timezone: TZ })).body as TestWorkspace;
  await configureInventory(ws);
  await call('PUT', '/v1/alert-rules/low-nps', ws.keys.admin, { survey: 'nps', maxScore: 6, slaHours: 1 });
  await call('PUT', '/v1/webhook', ws.keys.admin, { url: 'https://hooks.example.com/trayecto' });
  await call('POST', '/v1/events', ws.keys.ingest, { batch: scenario() });
  await drainAll(e.DB, ws.id, TZ, NOW);
  const range = `from=${D1}&to=${D3}`;
  for (const report of ['summary?', 'daily?', 'breakdown?by=touchpoint&', 'loop?by=rule&', 'journey?', 'priorities?', 'trend?metric=nps&']) {
    await call('GET', `/v1/reports/${report}${range}`, ws.keys.read);
  }
  const { cases } = (await call('GET', '/v1/cases', ws.keys.read)).body;
  await call('GET', '/v1/cases?status=open', ws.keys.read);
  await call('GET', '/v1/cases?overdue=true', ws.keys.read);
  if (cases?.[0]) {
    await call('GET', `/v1/cases/${cases[0].id}`, ws.keys.read);
    await call('PATCH', `/v1/cases/${cases[0].id}`, ws.keys.admin, { status: 'resolved' });
  }
  await call('GET', '/v1/webhook/deliveries', ws.keys.admin);
  const key = (await call('POST', '/v1/keys', ws.keys.admin, { scope: 'read' })).body;
  await call('GET', '/v1/keys', ws.keys.admin);
  await call('DELETE', `/v1/keys/${key?.id}`, ws.keys.admin);
  const source = (await call('POST', '/v1/sources/segment', ws.keys.admin)).body;
  await call('POST', `/v1/sources/segment/${source?.sourceId}`, undefined, { type: 'track' }, { 'x-signature': '0'.repeat(40) });
  await call('DELETE', '/v1/customers/c1', ws.keys.admin);
  await resendStrandedDeliveries(e, NOW);
  return seen;
}
