// A segment name is the one customer-supplied text a report can hold (segment breakdowns and
// segment journeys); after an erasure no report generation in KV may keep an erased customer's.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { addDays, localDay } from '../src/platform/time.ts';
import { api, apiJson, newWorkspace } from './helpers.ts';
import { rollupRange } from './drain.ts';

/** Every KV key of the workspace (reports and the facts a rebuild keeps) with its body. */
async function kvBodies(ws: string): Promise<string[]> {
  const keys = [...(await env.REPORTS.list({ prefix: `report/${ws}/` })).keys, ...(await env.REPORTS.list({ prefix: `facts/${ws}/` })).keys];
  return Promise.all(keys.map(async (k) => `${k.name} ${(await env.REPORTS.get(k.name, 'text')) ?? ''}`));
}

describe('erasure and segment names in the report cache', () => {
  it("no report generation in KV keeps an erased customer's own segment name", async () => {
    const ws = await newWorkspace();
    const day = addDays(localDay(Date.now(), 'UTC'), -2);
    const segment = 'Zed Lone Segment 4711';
    const at = (h: string) => `${day}T${h}:00:00Z`;
    const batch = [
      { type: 'identify', messageId: 'z1', customerId: 'zed', segment, timestamp: at('08') },
      { type: 'response', messageId: 'z2', customerId: 'zed', survey: 'nps', score: 3, timestamp: at('09') },
      { type: 'interaction', messageId: 'z3', customerId: 'zed', touchpoint: 'web', outcome: 'success', value: 12, timestamp: at('10') },
      { type: 'identify', messageId: 'a1', customerId: 'ann', segment: 'retail', timestamp: at('08') },
      { type: 'response', messageId: 'a2', customerId: 'ann', survey: 'nps', score: 9, timestamp: at('09') },
    ];
    expect((await apiJson('/v1/events', { key: ws.keys.ingest, body: { batch } })).status).toBe(202);
    await rollupRange(ws, day, day);
    const q = `from=${day}&to=${day}`;
    expect((await apiJson(`/v1/reports/breakdown?by=segment&${q}`, { key: ws.keys.read })).body.rows.map((r: { key: string }) => r.key)).toContain(segment);
    expect((await api(`/v1/reports/journey?segment=${encodeURIComponent(segment)}&${q}`, { key: ws.keys.read })).status).toBe(200);
    expect((await kvBodies(ws.id)).some((b) => b.includes(segment))).toBe(true);
    // The rebuild's kept facts name it too (distinct customers per segment, value by segment).
    expect((await kvBodies(ws.id)).some((b) => b.startsWith('facts/') && b.includes(segment))).toBe(true);

    expect((await api('/v1/customers/zed', { method: 'DELETE', key: ws.keys.admin })).status).toBe(202);
    expect((await kvBodies(ws.id)).filter((b) => b.includes(segment))).toEqual([]);
    // Read before the days are rolled up again: the current generation must not hold it either.
    expect(JSON.stringify((await apiJson(`/v1/reports/breakdown?by=segment&${q}`, { key: ws.keys.read })).body)).not.toContain(segment);
    await rollupRange(ws, day, day);
    expect((await apiJson(`/v1/reports/breakdown?by=segment&${q}`, { key: ws.keys.read })).body.rows.map((r: { key: string }) => r.key)).not.toContain(segment);
    expect((await kvBodies(ws.id)).filter((b) => b.includes(segment))).toEqual([]);
  });
});
