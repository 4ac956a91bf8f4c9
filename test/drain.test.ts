// The drain (issue: rollups that always finish): a year of history rolls up after one tick;
// steps that fail are retried; a drain that dies is replaced and changes nothing; ingest during
// a drain loses and doubles nothing; reports read mid-drain say so; runs go first.
import { introspectWorkflowInstance } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { drainId } from '../src/jobs/drain.ts';
import { addDays, localDay } from '../src/platform/time.ts';
import { drainState, expectPrebuiltAsAlone, tickAndDrain, waitForRun, type Run } from './drain.ts';
import { apiJson, countRows, newWorkspace, send, type TestWorkspace } from './helpers.ts';

const TZ = 'America/Mexico_City';
const yesterday = () => addDays(localDay(Date.now(), TZ), -1);

/** A year of history ending yesterday: every day a few answers and interactions, weekly sign-ups and churn, tickets. */
function year(prefix: string) {
  const last = yesterday();
  const events: Record<string, unknown>[] = [];
  for (let i = 0; i < 365; i++) {
    const day = addDays(last, -i);
    const c = `c${i % 40}`;
    const at = (h: number) => `${day}T${String(h).padStart(2, '0')}:15:00-06:00`;
    events.push(
      { type: 'response', messageId: `${prefix}r${i}`, customerId: c, survey: 'nps', score: i % 11, timestamp: at(9) },
      { type: 'interaction', messageId: `${prefix}i${i}`, customerId: c, touchpoint: i % 2 ? 'web' : 'store', outcome: i % 3 ? 'success' : 'failure', timestamp: at(10) },
    );
    if (i % 7 === 0) events.push({ type: 'lifecycle', messageId: `${prefix}l${i}`, customerId: c, status: i % 14 ? 'started' : 'churned', timestamp: at(11) });
    if (i % 5 === 0) {
      events.push({ type: 'ticket', messageId: `${prefix}t${i}`, customerId: c, ticketId: `T${i}`, status: 'opened', timestamp: at(12) });
      events.push({ type: 'ticket', messageId: `${prefix}u${i}`, customerId: c, ticketId: `T${i}`, status: 'responded', timestamp: at(i % 10 ? 13 : 20) });
    }
    if (i % 30 === 0) events.push({ type: 'identify', messageId: `${prefix}s${i}`, customerId: c, segment: i % 60 ? 'retail' : 'business', timestamp: at(8) });
  }
  return events;
}

async function imported(prefix = 'y'): Promise<TestWorkspace> {
  const ws = await newWorkspace(TZ);
  const events = year(prefix);
  for (let at = 0; at < events.length; at += 500) {
    const r = await send(ws, { batch: events.slice(at, at + 500) });
    expect(r.status).toBe(202);
  }
  return ws;
}

const summary = async (ws: TestWorkspace, query: string) => (await apiJson(`/v1/reports/summary?${query}`, { key: ws.keys.read })).body;
const strip = ({ generatedAt, complete, pendingDays, ...rest }: Record<string, unknown>) => rest;

describe('the drain', () => {
  it('a year of history is rolled up after one cron tick, and every prebuilt report is complete and equal to the report computed alone', async () => {
    const ws = await imported();
    const before = await summary(ws, 'period=90d');
    expect(before).toMatchObject({ complete: false });
    expect(before.pendingDays).toBeGreaterThan(80);
    await tickAndDrain(ws);
    expect(await countRows('dirty_days', ws.id)).toBe(0);
    await expectPrebuiltAsAlone(ws);
    const from = addDays(yesterday(), -364);
    const whole = await summary(ws, `from=${from}&to=${yesterday()}`);
    expect(whole).toMatchObject({ complete: true, pendingDays: 0 });
    expect(whole.metrics.nps.responses).toBe(365);
    expect(whole.metrics.interactions.count).toBe(365);
  });

  it('a step that fails twice is retried, and the result is that of a clean drain', async () => {
    const [clean, flaky] = [await imported('a'), await imported('b')];
    await tickAndDrain(clean);
    await using drain = await introspectWorkflowInstance(env.ROLLUPS, drainId(flaky.id, (await drainState(flaky.id)).seq + 1));
    await drain.modify(async (m) => {
      await m.disableRetryDelays();
      await m.mockStepError({ name: 'round 1: step 2' }, new Error('D1 went away'), 2);
    });
    const run = await apiJson<Run>('/v1/rollups', { key: flaky.keys.admin, body: { from: addDays(yesterday(), -30), to: yesterday() } });
    await drain.waitForStatus('complete');
    expect((await waitForRun(flaky, run.body.id)).status).toBe('done');
    const q = `from=${addDays(yesterday(), -364)}&to=${yesterday()}`;
    expect(strip(await summary(flaky, q))).toEqual(strip(await summary(clean, q)));
  });

  it('a drain that dies fails its run with the error; the next tick starts another, and nothing differs', async () => {
    const [clean, dying] = [await imported('c'), await imported('d')];
    await tickAndDrain(clean);
    const seq = (await drainState(dying.id)).seq;
    await using drain = await introspectWorkflowInstance(env.ROLLUPS, drainId(dying.id, seq + 1));
    await drain.modify(async (m) => {
      await m.disableRetryDelays();
      await m.mockStepError({ name: 'round 1: step 3' }, new Error('worker evicted'));
    });
    const posted = await apiJson<Run>('/v1/rollups', { key: dying.keys.admin, body: { from: addDays(yesterday(), -10), to: yesterday() } });
    await drain.waitForStatus('errored');
    const failed = await waitForRun(dying, posted.body.id);
    expect(failed).toMatchObject({ status: 'failed', error: 'worker evicted' });
    expect(await drainState(dying.id)).toEqual({ seq: seq + 1, open: 0 });
    await tickAndDrain(dying);
    const q = `from=${addDays(yesterday(), -364)}&to=${yesterday()}`;
    expect(await summary(dying, q)).toMatchObject({ complete: true });
    expect(strip(await summary(dying, q))).toEqual(strip(await summary(clean, q)));
  });

  it('a report read mid-drain says complete: false; ingest during the drain is counted once; the same range posted again answers the live run', async () => {
    const ws = await imported('e');
    await using drain = await introspectWorkflowInstance(env.ROLLUPS, drainId(ws.id, (await drainState(ws.id)).seq + 1));
    // The first day step fails once and waits out the default 2 s retry delay: the drain is live.
    await drain.modify(async (m) => m.mockStepError({ name: 'round 1: step 1' }, new Error('transient'), 1));
    const range = { from: addDays(yesterday(), -6), to: yesterday() };
    const first = await apiJson<Run>('/v1/rollups', { key: ws.keys.admin, body: range });
    const again = await apiJson<Run>('/v1/rollups', { key: ws.keys.admin, body: range });
    expect(again.body.id).toBe(first.body.id);
    expect(first.body).toMatchObject({ ...range, status: 'queued', days: 7, daysDone: 0 });
    const mid = await summary(ws, 'period=7d');
    expect(mid.complete).toBe(false);
    expect(mid.pendingDays).toBeGreaterThan(0);
    // Late answers arrive while the drain works: a new one and a retried old one.
    const late = { type: 'response', messageId: 'late-1', customerId: 'x', survey: 'csat', score: 5, timestamp: `${yesterday()}T09:00:00-06:00` };
    await send(ws, late);
    await send(ws, { ...late, score: 1 });
    await send(ws, { type: 'response', messageId: 'late-nps', customerId: 'c0', survey: 'nps', score: 0, timestamp: `${yesterday()}T09:15:00-06:00` });
    await drain.waitForStatus('complete');
    expect((await waitForRun(ws, first.body.id)).status).toBe('done');
    const after = await summary(ws, 'period=7d');
    expect(after).toMatchObject({ complete: true, pendingDays: 0 });
    expect(after.metrics.csat).toEqual({ score: 100, responses: 1, satisfied: 1 });
    expect(after.metrics.nps.responses).toBe(8);
  });

  it('a run goes before other pending days: its days are the first rolled up', async () => {
    const ws = await imported('f');
    await using drain = await introspectWorkflowInstance(env.ROLLUPS, drainId(ws.id, (await drainState(ws.id)).seq + 1));
    const range = { from: addDays(yesterday(), -200), to: addDays(yesterday(), -190) };
    await apiJson('/v1/rollups', { key: ws.keys.admin, body: range });
    const step = (await drain.waitForStepResult({ name: 'round 1: step 1' })) as { rolledUp: string[] };
    expect(step.rolledUp.length).toBeGreaterThan(0);
    for (const day of step.rolledUp) expect(day >= range.from && day <= range.to, day).toBe(true);
    await drain.waitForStatus('complete');
  });

  it('an unknown run is 404 in another workspace too', async () => {
    const [a, b] = [await newWorkspace(TZ), await newWorkspace(TZ)];
    const run = await apiJson<Run>('/v1/rollups', { key: a.keys.admin, body: { from: yesterday(), to: yesterday() } });
    expect(run.status).toBe(202);
    expect((await apiJson(`/v1/rollups/${run.body.id}`, { key: b.keys.admin })).status).toBe(404);
    expect((await apiJson(`/v1/rollups/${run.body.id}`, { key: a.keys.read })).status).toBe(403);
    expect((await apiJson('/v1/rollups/nope', { key: a.keys.admin })).status).toBe(404);
    await waitForRun(a, run.body.id);
  });
});
