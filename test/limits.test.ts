import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { boundParameterStats, guardD1, MAX_BOUND_PARAMETERS, TooManyParametersError } from '../src/platform/d1.ts';
import { api, apiJson, countRows, ev, ingestCounts, newWorkspace, send, sendRaw } from './helpers.ts';

const makers = [ev.identify, ev.interaction, ev.response, ev.lifecycle, ev.ticket];

/** 1,000 mixed events over many customers and days, padded so the body lands just under 1 MiB. */
function fullBatch() {
  const batch: Record<string, unknown>[] = Array.from({ length: 1000 }, (_, i) =>
    makers[i % makers.length]({ customerId: `cust-${i % 137}`, timestamp: new Date(Date.UTC(2026, 0, 1 + (i % 60), i % 24)).toISOString() }),
  );
  const padded = batch.filter((e) => e.type === 'response' || e.type === 'interaction');
  for (const e of padded) Object.assign(e, e.type === 'response' ? { comment: '' } : { properties: { p: '' } });
  const pad = Math.floor((1024 * 1024 - 4096 - JSON.stringify({ batch }).length) / padded.length);
  for (const e of padded) Object.assign(e, e.type === 'response' ? { comment: 'c'.repeat(pad) } : { properties: { p: 'p'.repeat(pad) } });
  return batch;
}

describe('D1 parameter limit', () => {
  it('a 1,000-event batch near 1 MiB is stored, binding at most 100 parameters per statement', async () => {
    const ws = await newWorkspace('Europe/Madrid');
    const batch = fullBatch();
    const body = JSON.stringify({ batch });
    expect(body.length).toBeGreaterThan(1000 * 1024);
    expect(body.length).toBeLessThanOrEqual(1024 * 1024);
    boundParameterStats.max = 0;
    const res = await sendRaw(ws, body);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 1000, duplicates: 0 });
    expect(boundParameterStats.max).toBeGreaterThan(0);
    expect(boundParameterStats.max).toBeLessThanOrEqual(MAX_BOUND_PARAMETERS);
    const counts = await ingestCounts(ws.id);
    expect(counts.events).toBe(1000);
    expect(counts.customers).toBe(137);
    const madridDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Madrid' });
    // Each day of the batch's events is marked once; lifecycle events mark none (the lifecycle pass's).
    const marked = batch.filter((e) => e.type !== 'lifecycle');
    expect(counts.dirtyDays).toBe(new Set(marked.map((e) => madridDay.format(Date.parse(e.timestamp as string)))).size);
    // The whole batch again: every event a duplicate, nothing added.
    boundParameterStats.max = 0;
    expect((await send(ws, { batch })).body).toEqual({ accepted: 0, duplicates: 1000 });
    expect(boundParameterStats.max).toBeLessThanOrEqual(MAX_BOUND_PARAMETERS);
    expect(await countRows('events', ws.id)).toBe(1000);
  });

  it('configuration and key calls stay within the limit too', async () => {
    boundParameterStats.max = 0;
    const ws = await newWorkspace();
    const admin = ws.keys.admin;
    for (let i = 0; i < 30; i++) {
      expect((await api(`/v1/stages/s${i}`, { method: 'PUT', key: admin, body: { name: `Stage ${i}`, position: i } })).status).toBe(200);
      const tp = { name: `Touchpoint ${i}`, stage: `s${i}`, channel: 'web', intentional: i % 2 === 0, owner: 'team', critical: i % 3 === 0 };
      expect((await api(`/v1/touchpoints/t${i}`, { method: 'PUT', key: admin, body: tp })).status).toBe(200);
    }
    expect((await apiJson('/v1/stages', { key: admin })).body.stages).toHaveLength(30);
    expect((await apiJson('/v1/touchpoints', { key: admin })).body.touchpoints).toHaveLength(30);
    const made = await apiJson('/v1/keys', { key: admin, body: { scope: 'read' } });
    expect((await api(`/v1/keys/${made.body.id}`, { method: 'DELETE', key: admin })).status).toBe(204);
    expect((await apiJson('/v1/keys', { key: admin })).body.keys).toHaveLength(4);
    expect((await api('/v1/stages/s0', { method: 'DELETE', key: admin })).status).toBe(409);
    expect((await api('/v1/touchpoints/t0', { method: 'DELETE', key: admin })).status).toBe(204);
    expect((await api('/v1/stages/s0', { method: 'DELETE', key: admin })).status).toBe(204);
    expect(boundParameterStats.max).toBeGreaterThan(0);
    expect(boundParameterStats.max).toBeLessThanOrEqual(MAX_BOUND_PARAMETERS);
  });
});

describe('guardD1', () => {
  const placeholders = (n: number) => Array.from({ length: n }, (_, i) => `?${i + 1}`).join(', ');
  const values = (n: number) => Array.from({ length: n }, (_, i) => i);

  it('lets a statement bind exactly 100 parameters', async () => {
    const row = await guardD1(env.DB).prepare(`SELECT ${placeholders(100)}`).bind(...values(100)).raw();
    expect(row[0]).toEqual(values(100));
  });

  it('throws TooManyParametersError for 101, before D1 sees the statement', () => {
    const stmt = guardD1(env.DB).prepare(`SELECT ${placeholders(101)}`);
    expect(() => stmt.bind(...values(101))).toThrow(TooManyParametersError);
    expect(() => stmt.bind(...values(101))).toThrow(/101 parameters/);
  });

  it('also guards statements inside a batch', async () => {
    const db = guardD1(env.DB);
    expect(() => db.batch([db.prepare('SELECT 1'), db.prepare(`SELECT ${placeholders(150)}`).bind(...values(150))])).toThrow(TooManyParametersError);
  });
});
