import { describe, expect, it } from 'vitest';
import { apiJson, newWorkspace } from './helpers.ts';

describe('smoke', () => {
  it('creates a workspace', async () => {
    const ws = await newWorkspace('Europe/Madrid');
    expect(ws.keys.ingest).toMatch(/^tr_ingest_/);
    const r = await apiJson('/v1/events', { key: ws.keys.ingest, body: { type: 'lifecycle', messageId: 'm1', customerId: 'c1', status: 'started' } });
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ accepted: 1, duplicates: 0 });
  });
});
