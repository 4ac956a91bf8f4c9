// The report rebuild keeps the period facts that do not depend on who was active (NPS groups,
// value by NPS group, ticket figures, distinct customers) from one rebuild to the next, keyed by
// rollup_state.facts_gen and the touchpoints' digest. A late lifecycle event must reuse them; any
// change a rollup sees must not.
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guardD1 } from '../src/platform/d1.ts';
import { addDays, localDay, standardRange } from '../src/platform/time.ts';
import { prioritiesFor } from '../src/journey/priorities.ts';
import { factsBasis, KvFactStore } from '../src/publish/fact-store.ts';
import { PeriodFacts } from '../src/reports/period-facts.ts';
import { factsChanged } from '../src/rollup/marks.ts';
import { expectPrebuiltAsAlone, fetchStartingDrain, tickAndDrain } from './drain.ts';
import { api, apiJson, configureInventory, newWorkspace, send, type TestWorkspace } from './helpers.ts';

const today = () => localDay(Date.now(), 'UTC');
const at = (daysBack: number, hour = 10) => `${addDays(today(), -daysBack)}T${String(hour).padStart(2, '0')}:00:00Z`;
const TOUCHPOINTS = ['checkout', 'store-till', 'support-call', 'ads'];

/** Forty days of answers, interactions (some bad, some with a value), tickets and sign-ups of eight customers. */
async function history(prefix: string): Promise<TestWorkspace> {
  const ws = await newWorkspace('UTC');
  await configureInventory(ws);
  const batch: Record<string, unknown>[] = [];
  for (let i = 1; i <= 40; i++) {
    const c = `c${i % 8}`;
    const tp = TOUCHPOINTS[i % 4];
    batch.push(
      { type: 'response', messageId: `${prefix}r${i}`, customerId: c, survey: 'nps', score: (i * 7) % 11, touchpoint: tp, timestamp: at(i, 9) },
      { type: 'interaction', messageId: `${prefix}i${i}`, customerId: c, touchpoint: tp, outcome: i % 3 ? 'success' : 'failure', value: i % 2 ? 40 : undefined, timestamp: at(i, 10) },
    );
    if (i % 5 === 0) {
      batch.push({ type: 'ticket', messageId: `${prefix}t${i}`, customerId: c, ticketId: `T${i}`, touchpoint: tp, status: 'opened', timestamp: at(i, 11) });
      batch.push({ type: 'ticket', messageId: `${prefix}u${i}`, customerId: c, ticketId: `T${i}`, status: 'responded', timestamp: at(i - 1, 8) });
    }
    if (i % 8 === 0) batch.push({ type: 'identify', messageId: `${prefix}s${i}`, customerId: c, segment: i % 16 ? 'retail' : 'business', timestamp: at(i, 8) });
  }
  for (let c = 0; c < 8; c++) batch.push({ type: 'lifecycle', messageId: `${prefix}l${c}`, customerId: `c${c}`, status: 'started', timestamp: at(45) });
  expect((await send(ws, { batch })).status).toBe(202);
  await tickAndDrain(ws);
  return ws;
}

const factsGen = async (ws: TestWorkspace) =>
  (await env.DB.prepare('SELECT facts_gen FROM rollup_state WHERE workspace_id = ?1').bind(ws.id).first<{ facts_gen: number }>())!.facts_gen;
const report = async (ws: TestWorkspace, path: string) => (await apiJson(`/v1/reports/${path}`, { key: ws.keys.read })).body;

describe('facts kept between rebuilds', () => {
  it('a late lifecycle event recomputes who was active and reuses every other fact', async () => {
    const ws = await history('k');
    const gen = await factsGen(ws);
    const [summary, priorities] = [await report(ws, 'summary?period=7d'), await report(ws, 'priorities?period=30d')];
    // A detractor written behind the pipeline's back: only a recomputed fact would count it.
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO events (seq, workspace_id, message_id, type, customer_id, ts, day, received_at, survey, score, touchpoint)
         VALUES ((SELECT last + 1 FROM sequences WHERE name = 'events'), ?1, 'hidden', 'response', 'c1', ?2, ?3, ?2, 'nps', 0, 'checkout')`,
      ).bind(ws.id, Date.parse(at(3)), addDays(today(), -3)),
      env.DB.prepare(
        `INSERT INTO event_days (workspace_id, day, type, seq, last, n, ids)
         SELECT ?1, day, type, seq, seq, 1, json_array(message_id) FROM events WHERE workspace_id = ?1 AND message_id = 'hidden'`,
      ).bind(ws.id),
      env.DB.prepare(`UPDATE sequences SET last = last + 1 WHERE name = 'events'`),
    ]);
    expect((await send(ws, { type: 'lifecycle', messageId: 'late', customerId: 'newcomer', status: 'started', timestamp: at(20) })).status).toBe(202);
    await tickAndDrain(ws);
    expect(await factsGen(ws)).toBe(gen); // no day was rolled up: the lifecycle pass alone
    const after = await report(ws, 'summary?period=7d');
    expect(after).toMatchObject({ complete: true });
    expect(after.metrics.retention.customersAtStart).toBe(summary.metrics.retention.customersAtStart + 1);
    // The priorities' NPS groups were kept: the hidden answer is not in the prebuilt report, though
    // computing it now does count it.
    const kept = await report(ws, 'priorities?period=30d');
    const npsOf = (r: { rows: { touchpoint: string; nps: unknown }[] }) => Object.fromEntries(r.rows.map((t) => [t.touchpoint, t.nps]));
    expect(npsOf(kept)).toEqual(npsOf(priorities));
    const fresh = await prioritiesFor(guardD1(env.DB), ws.id, 'UTC', standardRange('30d', 'UTC'));
    expect(npsOf(fresh)).not.toEqual(npsOf(priorities));
    // An event that a rollup sees moves facts_gen on: every fact is computed again.
    expect((await send(ws, { type: 'response', messageId: 'late-r', customerId: 'c2', survey: 'nps', score: 10, timestamp: at(4) })).status).toBe(202);
    await tickAndDrain(ws);
    expect(await factsGen(ws)).toBeGreaterThan(gen);
    expect(npsOf(await report(ws, 'priorities?period=30d'))).toEqual(npsOf(await prioritiesFor(guardD1(env.DB), ws.id, 'UTC', standardRange('30d', 'UTC'))));
    await expectPrebuiltAsAlone(ws);
  });

  // Whatever happens between rebuilds, the prebuilt reports equal those computed with no kept fact.
  it('after any sequence of late events, identifies, touchpoint edits and erasures, every prebuilt report equals the report computed alone', async () => {
    const customer = fc.constantFrom('c1', 'c2', 'c3', 'c9');
    const daysBack = fc.integer({ min: 1, max: 35 });
    const op = fc.oneof(
      fc.record({ kind: fc.constant('response' as const), customer, daysBack, score: fc.integer({ min: 0, max: 10 }), tp: fc.constantFrom(...TOUCHPOINTS) }),
      fc.record({ kind: fc.constant('interaction' as const), customer, daysBack, bad: fc.boolean(), tp: fc.constantFrom(...TOUCHPOINTS) }),
      fc.record({ kind: fc.constant('ticket' as const), customer, daysBack, tp: fc.constantFrom(...TOUCHPOINTS) }),
      fc.record({ kind: fc.constant('lifecycle' as const), customer, daysBack, churned: fc.boolean() }),
      fc.record({ kind: fc.constant('identify' as const), customer, daysBack, segment: fc.constantFrom('retail', 'business', 'vip') }),
      fc.record({ kind: fc.constant('touchpoint' as const), channel: fc.constantFrom('web', 'phone', 'store'), stage: fc.constantFrom('purchase', 'after-sales') }),
      fc.record({ kind: fc.constant('erase' as const), customer }),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 3 }), async (ops) => {
        const ws = await history(`p${++run}-`);
        let n = 0;
        for (const o of ops) {
          const id = `op${++n}`;
          if (o.kind === 'touchpoint') {
            const res = await api('/v1/touchpoints/support-call', { method: 'PUT', key: ws.keys.admin, body: { name: 'Support call', stage: o.stage, channel: o.channel, intentional: true, owner: 'support-team', critical: true } });
            expect(res.status).toBe(200);
            // A lifecycle event gives the drain something to do, so that the reports are rebuilt.
            await send(ws, { type: 'lifecycle', messageId: id, customerId: 'c7', status: 'started', timestamp: at(30) });
          } else if (o.kind === 'erase') {
            // Erasure starts its own drain (none for a customer who never was: 404).
            const req = new Request(`http://trayecto.test/v1/customers/${o.customer}`, { method: 'DELETE', headers: { authorization: `Bearer ${ws.keys.admin}` } });
            expect([202, 404]).toContain((await fetchStartingDrain(ws, req)).status);
            await expectPrebuiltAsAlone(ws);
            continue;
          } else {
            const base = { messageId: id, customerId: o.customer, timestamp: at(o.daysBack) };
            const event =
              o.kind === 'response' ? { ...base, type: 'response', survey: 'nps', score: o.score, touchpoint: o.tp }
              : o.kind === 'interaction' ? { ...base, type: 'interaction', touchpoint: o.tp, outcome: o.bad ? 'failure' : 'success', value: 25 }
              : o.kind === 'ticket' ? { batch: [{ ...base, type: 'ticket', ticketId: `X${id}`, touchpoint: o.tp, status: 'opened' }, { ...base, messageId: `${id}b`, type: 'ticket', ticketId: `X${id}`, status: 'responded', timestamp: at(0, 0) }] }
              : o.kind === 'lifecycle' ? { ...base, type: 'lifecycle', status: o.churned ? 'churned' : 'started' }
              : { ...base, type: 'identify', segment: o.segment };
            expect((await send(ws, event)).status).toBe(202);
          }
          await tickAndDrain(ws);
          await expectPrebuiltAsAlone(ws);
        }
      }),
      { numRuns: 5 },
    );
  });
});

describe('the fact store', () => {
  it('keeps facts only under the basis they were computed from: facts_gen, the touchpoints, this code', async () => {
    const ws = await newWorkspace('UTC');
    await configureInventory(ws);
    const keys = async () => (await env.REPORTS.list({ prefix: `facts/${ws.id}/` })).keys.map((k) => k.name);
    // facts_gen moved while the facts were computed (a rollup, an erasure, an identify): nothing kept.
    const moved = new KvFactStore(env.REPORTS, ws.id, await factsBasis(env.DB, ws.id));
    await moved.put('reach/x', new Map([['retail', 3]]));
    await factsChanged(env.DB, ws.id).run();
    expect(await moved.flush(env.DB)).toBe(0);
    expect(await keys()).toEqual([]);
    // A touchpoint edited meanwhile: nothing kept either.
    const edited = new KvFactStore(env.REPORTS, ws.id, await factsBasis(env.DB, ws.id));
    await edited.put('reach/x', new Map([['retail', 3]]));
    const put = await api('/v1/touchpoints/checkout', { method: 'PUT', key: ws.keys.admin, body: { name: 'Checkout', stage: 'after-sales', channel: 'web', intentional: true, owner: 'o', critical: false } });
    expect(put.status).toBe(200);
    expect(await edited.flush(env.DB)).toBe(0);
    // Unchanged: kept, and read back as it was (maps included) by the next store of that basis.
    const basis = await factsBasis(env.DB, ws.id);
    const steady = new KvFactStore(env.REPORTS, ws.id, basis);
    await steady.put('reach/x', new Map([['retail', 3]]));
    expect(await steady.flush(env.DB)).toBe(1);
    expect(await keys()).toEqual([`facts/${ws.id}/${basis}`]); // one value holds them all
    expect(await new KvFactStore(env.REPORTS, ws.id, basis).get('reach/x')).toEqual(new Map([['retail', 3]]));
    expect(basis).toMatch(/^1\./); // FACTS_VERSION leads the basis
    // An identify that changes a segment moves facts_gen in its own ingest batch; one that
    // leaves it as it was (traits only, or the same segment again) does not.
    expect((await send(ws, { type: 'identify', messageId: 'id1', customerId: 'c1', segment: 'vip' })).status).toBe(202);
    const moved1 = await factsBasis(env.DB, ws.id);
    expect(moved1).not.toBe(basis);
    expect((await send(ws, { type: 'identify', messageId: 'id2', customerId: 'c1', segment: 'vip', traits: { plan: 'gold' } })).status).toBe(202);
    expect((await send(ws, { type: 'identify', messageId: 'id3', customerId: 'c1', traits: { plan: 'silver' } })).status).toBe(202);
    expect(await factsBasis(env.DB, ws.id)).toBe(moved1);
    expect((await send(ws, { type: 'identify', messageId: 'id4', customerId: 'c1', segment: 'basic' })).status).toBe(202);
    expect(await factsBasis(env.DB, ws.id)).not.toBe(moved1);
  });

  it('facts written just as an erasure moved their basis are deleted by the writer itself', async () => {
    const ws = await newWorkspace('UTC');
    // The erasure's batch lands between the store's basis check and its write.
    const racing = new Proxy(env.REPORTS, {
      get: (target, prop) =>
        prop === 'put'
          ? async (...args: Parameters<KVNamespace['put']>) => {
              await factsChanged(env.DB, ws.id).run();
              return target.put(...args);
            }
          : Reflect.get(target, prop).bind(target),
    });
    const store = new KvFactStore(racing, ws.id, await factsBasis(env.DB, ws.id));
    await store.put('reach/x', new Map([['Zed', 1]]));
    expect(await store.flush(env.DB)).toBe(0);
    expect((await env.REPORTS.list({ prefix: `facts/${ws.id}/` })).keys).toEqual([]);
  });

  it('a KV that fails costs a recomputation, never the rebuild', async () => {
    const ws = await newWorkspace('UTC');
    const broken = new Proxy(env.REPORTS, {
      get: (target, prop) => (prop === 'get' || prop === 'put' ? async () => Promise.reject(new Error('KV down')) : Reflect.get(target, prop).bind(target)),
    });
    const store = new KvFactStore(broken, ws.id, await factsBasis(env.DB, ws.id));
    const facts = new PeriodFacts(env.DB, store);
    let loads = 0;
    expect(await facts.keep('k', async () => ++loads)).toBe(1);
    expect(await facts.keep('k', async () => ++loads)).toBe(1); // once per rebuild still
    expect(await store.flush(env.DB)).toBe(0);
  });
});
