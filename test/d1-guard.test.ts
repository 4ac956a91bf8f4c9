// D1 is wrapped once per entry point (src/index.ts: guardEnv), so every statement below fetch,
// the queue consumers and the cron is held to production's bound-parameter limit. A statement's
// bind() through the guard is counted in boundParameterStats; a bare env.DB leaves it untouched.
import { createMessageBatch, createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../src/index.ts';
import { boundParameterStats } from '../src/platform/d1.ts';
import { localDay } from '../src/platform/time.ts';
import { api, newWorkspace } from './helpers.ts';

/** The most parameters any guarded statement bound while `run` ran (0: no statement went through the guard). */
async function guardedDuring(run: () => Promise<unknown>): Promise<number> {
  boundParameterStats.max = 0;
  await run();
  return boundParameterStats.max;
}

describe('every entry point guards D1', () => {
  it('fetch: a keyed request binds through the guard', async () => {
    const ws = await newWorkspace();
    expect(await guardedDuring(() => api('/v1/workspace', { key: ws.keys.admin }))).toBeGreaterThan(0);
  });

  it('queue: the ingest consumer binds through the guard', async () => {
    const ws = await newWorkspace();
    const row = { m: 'guard-1', t: 'lifecycle', c: 'c1', ts: Date.now(), d: localDay(Date.now(), 'UTC'), st: 'started' };
    const batch = createMessageBatch('trayecto-ingest', [{ id: 'g1', timestamp: new Date(), attempts: 1, body: { ws: ws.id, rows: [row], at: Date.now() } }]);
    expect(await guardedDuring(() => worker.queue(batch, env))).toBeGreaterThan(0);
  });

  it('queue: the webhook consumer binds through the guard', async () => {
    const batch = createMessageBatch('trayecto-webhooks', [{ id: 'g2', timestamp: new Date(), attempts: 1, body: { deliveryId: 'dl_unknown' } }]);
    expect(await guardedDuring(() => worker.queue(batch, env))).toBeGreaterThan(0);
  });

  it('scheduled: the cron binds through the guard', async () => {
    expect(await guardedDuring(() => worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: '5 * * * *' }), env))).toBeGreaterThan(0);
  });
});
