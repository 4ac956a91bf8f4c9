import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../src/index.ts';
import { toRows } from '../src/ingest/store.ts';
import { INGEST_QUEUE } from '../src/ingest/queue.ts';
import { claimMarks } from '../src/rollup/marks.ts';
import type { IngestMessage, Row } from '../src/env.ts';
import { addDays, localDay } from '../src/platform/time.ts';
import { apiJson, countRows, ev, eventually, ingestCounts, newWorkspace, type TestWorkspace } from './helpers.ts';

const queueEnv = { ...env, INGEST_MODE: 'queue' };

/** POST /v1/events through the Worker with INGEST_MODE = "queue". */
async function sendQueued(ws: TestWorkspace, payload: unknown) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request('https://trayecto.test/v1/events', {
      method: 'POST',
      headers: { authorization: `Bearer ${ws.keys.ingest}`, 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    }),
    queueEnv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: await res.json<any>() };
}

let seq = 0;
/** Runs the consumer on messages as the Queue would hand them over (attempts counts deliveries). */
async function consume(messages: { id?: string; body: IngestMessage; attempts?: number }[], queue = INGEST_QUEUE) {
  const batch = createMessageBatch<IngestMessage>(
    queue,
    messages.map((m) => ({ id: m.id ?? `msg-${++seq}`, timestamp: new Date(), attempts: m.attempts ?? 1, body: m.body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

const rowsOf = (events: Record<string, unknown>[]) => toRows(events as never, 'UTC', Date.now());

describe('queue-buffered ingestion', () => {
  it('answers once the events are queued, and the consumer stores them with the same dedupe', async () => {
    const ws = await newWorkspace();
    const batch = [ev.identify(), ev.interaction(), ev.response({ score: 3 })];
    const first = await sendQueued(ws, { batch });
    expect(first).toEqual({ status: 202, body: { accepted: 3, duplicates: null, queued: true } });
    const stored = await eventually(() => ingestCounts(ws.id), (c) => c.events === 3);
    expect(stored).toMatchObject({ events: 3, customers: 1, dirtyDays: 1 });
    // The same batch again (a client retry) is queued, and written as duplicates. Its mark of
    // the day is what shows the consumer ran: a mark rewrites a day only once a rollup has
    // claimed it, so the day is claimed first, as a rollup reading it would.
    const versionOf = async () => (await env.DB.prepare('SELECT version FROM dirty_days WHERE workspace_id = ?1').bind(ws.id).first<{ version: number }>())!.version;
    await claimMarks(env.DB, ws.id, 'true');
    const before = await versionOf();
    expect((await sendQueued(ws, { batch })).status).toBe(202);
    expect(await eventually(versionOf, (v) => v > before)).toBeGreaterThan(before);
    expect(await countRows('events', ws.id)).toBe(3);
  });

  it('bad input is refused at the edge and queues nothing', async () => {
    const ws = await newWorkspace();
    const res = await sendQueued(ws, { batch: [ev.response(), ev.response({ score: 11 })] });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('batch.1.score');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await countRows('events', ws.id)).toBe(0);
  });

  it('a request too large for one all-or-nothing send is written directly', async () => {
    const ws = await newWorkspace();
    const batch = Array.from({ length: 60 }, () => ev.response({ comment: 'x'.repeat(4900) }));
    const res = await sendQueued(ws, { batch });
    expect(res).toEqual({ status: 202, body: { accepted: 60, duplicates: 0 } });
    expect(await countRows('events', ws.id)).toBe(60);
  });

  it('a message redelivered after its write (the ack was lost) stores nothing twice', async () => {
    const ws = await newWorkspace();
    const body = { ws: ws.id, rows: rowsOf([ev.interaction(), ev.response(), ev.ticket()]), at: Date.now() };
    const first = await consume([{ id: 'a1', body }]);
    expect(first.explicitAcks).toEqual(['a1']);
    const again = await consume([{ id: 'a1', body, attempts: 2 }]);
    expect(again.explicitAcks).toEqual(['a1']);
    expect(await ingestCounts(ws.id)).toMatchObject({ events: 3, customers: 1 });
  });

  it('a row queued before midnight and stored after it is late by the clock of the write', async () => {
    const ws = await newWorkspace();
    const yesterday = addDays(localDay(Date.now(), 'UTC'), -1);
    // As the edge flagged it before midnight: dated that day, which was still today, so not late.
    const row: Row = { ...(rowsOf([ev.lifecycle({ timestamp: `${yesterday}T23:59:00Z` })])[0] as Row), l: null };
    expect(row['d']).toBe(yesterday);
    await consume([{ body: { ws: ws.id, rows: [row], at: Date.now() } }]);
    const state = await env.DB.prepare('SELECT people_from, report_gen FROM rollup_state WHERE workspace_id = ?1').bind(ws.id).first();
    // Its day waits for the lifecycle pass, and cached reports are no longer taken as complete.
    expect(state).toMatchObject({ people_from: yesterday });
    expect(state!.report_gen).toBeGreaterThan(0);
  });

  it('a failing message is retried alone; the others of its batch are stored once, and dead letters are kept', async () => {
    const ws = await newWorkspace();
    const good = { ws: ws.id, rows: rowsOf([ev.response(), ev.response({ customerId: 'cust-2' })]), at: Date.now() };
    const also = { ws: ws.id, rows: rowsOf([ev.interaction()]), at: Date.now() };
    // A row without a type breaks the NOT NULL constraint, so its message's write fails.
    const poison = { ws: ws.id, rows: [{ m: 'broken', c: 'cust-3', ts: Date.now(), d: '2026-11-01' }], at: Date.now() };
    const result = await consume([
      { id: 'g1', body: good },
      { id: 'p1', body: poison },
      { id: 'g2', body: also },
    ]);
    expect(result.explicitAcks.sort()).toEqual(['g1', 'g2']);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(['p1']);
    expect(await countRows('events', ws.id)).toBe(3);
    // Redelivered with the poison once more: still three events.
    await consume([{ id: 'g1', body: good, attempts: 2 }, { id: 'p1', body: poison, attempts: 2 }]);
    expect(await countRows('events', ws.id)).toBe(3);
    // After its last retry the Queue moves it to the dead-letter queue, whose consumer keeps it.
    const dead = await consume([{ id: 'p1', body: poison, attempts: 11 }], `${INGEST_QUEUE}-dlq`);
    expect(dead.explicitAcks).toEqual(['p1']);
    const kept = await env.DB.prepare('SELECT body, attempts FROM ingest_dead_letters WHERE workspace_id = ?1').bind(ws.id).all<{ body: string; attempts: number }>();
    expect(kept.results).toEqual([{ body: JSON.stringify(poison.rows), attempts: 11 }]);
  });

  it('an erasure reaches events that were still waiting in the queue, not ones accepted after it', async () => {
    const ws = await newWorkspace();
    const queued = { ws: ws.id, rows: rowsOf([ev.response({ customerId: 'gone' }), ev.response({ customerId: 'stays' })]), at: Date.now() };
    await new Promise((r) => setTimeout(r, 5));
    // Nothing is stored for "gone" yet: the answer is 404, but the erasure is recorded.
    expect((await apiJson('/v1/customers/gone', { method: 'DELETE', key: ws.keys.admin })).status).toBe(404);
    await new Promise((r) => setTimeout(r, 5));
    const later = { ws: ws.id, rows: rowsOf([ev.response({ customerId: 'gone', messageId: 'back-later' })]), at: Date.now() };
    const result = await consume([{ id: 'q1', body: queued }, { id: 'q2', body: later }]);
    expect(result.explicitAcks.sort()).toEqual(['q1', 'q2']);
    const { results } = await env.DB.prepare('SELECT customer_id, message_id FROM events WHERE workspace_id = ?1 ORDER BY customer_id').bind(ws.id).all();
    expect(results).toEqual([
      { customer_id: 'gone', message_id: 'back-later' },
      { customer_id: 'stays', message_id: queued.rows[1].m },
    ]);
  });
});

describe('queue consumers', () => {
  it('a batch from a queue this Worker does not know fails, instead of being taken for webhook deliveries', async () => {
    const batch = createMessageBatch('trayecto-unknown', [{ id: 'u1', timestamp: new Date(), attempts: 1, body: { deliveryId: 'dl_x' } }]);
    await expect(worker.queue(batch, env)).rejects.toThrow('no consumer for queue trayecto-unknown');
  });
});
