import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { guardD1 } from '../src/platform/d1.ts';
import { journeyFor } from '../src/journey/journey.ts';
import { prioritiesFor } from '../src/journey/priorities.ts';
import { drainAll } from '../src/rollup/drain.ts';
import { npsWithError } from '../src/metrics/significance.ts';
import { apiJson, configureInventory, newWorkspace, send, type TestWorkspace } from './helpers.ts';

const RANGE = { from: '2026-11-10', to: '2026-11-12' };
const NOW = Date.parse('2026-11-13T12:00:00Z');
const d1 = () => guardD1(env.DB);

/**
 * 200 customers active since 11-01, half premium (0–99), half retail. Everyone has a good
 * visit at `ads`. Customers 0–59 (premium) fail at `checkout`, answer NPS 3 about it, and
 * half of them churn: bad and wide. Customers 100–102 (retail) fail at `store-till`, answer
 * NPS 0 and all churn: bad but tiny. The others answer NPS 10 (or 8 for every fifth) about
 * `ads`; 5 of them churn. Two customers use a kiosk missing from the inventory.
 */
function events() {
  const out: Record<string, unknown>[] = [];
  let m = 0;
  const e = (type: string, c: number, ts: string, extra: Record<string, unknown>) =>
    out.push({ type, messageId: `j${++m}`, customerId: `c${c}`, timestamp: ts, ...extra });
  for (let c = 0; c < 200; c++) {
    e('identify', c, '2026-11-01T08:00:00Z', { segment: c < 100 ? 'premium' : 'retail' });
    e('lifecycle', c, '2026-11-01T09:00:00Z', { status: 'started' });
    e('interaction', c, '2026-11-10T09:00:00Z', { touchpoint: 'ads', outcome: 'success', sentiment: 0.6, emotion: 'curious' });
    if (c < 60) {
      e('interaction', c, '2026-11-10T10:00:00Z', { touchpoint: 'checkout', outcome: 'failure', sentiment: -0.8, emotion: 'frustrated' });
      e('response', c, '2026-11-11T10:00:00Z', { survey: 'nps', score: 3, touchpoint: 'checkout' });
      if (c % 2 === 0) e('lifecycle', c, '2026-11-12T10:00:00Z', { status: 'churned' });
    } else if (c >= 100 && c < 103) {
      e('interaction', c, '2026-11-10T10:00:00Z', { touchpoint: 'store-till', outcome: 'failure', sentiment: -1, emotion: 'angry' });
      e('response', c, '2026-11-11T10:00:00Z', { survey: 'nps', score: 0, touchpoint: 'store-till' });
      e('lifecycle', c, '2026-11-12T10:00:00Z', { status: 'churned' });
    } else {
      e('response', c, '2026-11-11T10:00:00Z', { survey: 'nps', score: c % 5 === 0 ? 8 : 10, touchpoint: 'ads' });
      if (c >= 190) e('lifecycle', c, '2026-11-12T10:00:00Z', { status: 'churned' });
    }
  }
  e('interaction', 150, '2026-11-11T12:00:00Z', { touchpoint: 'ghost-kiosk', outcome: 'success' });
  e('interaction', 151, '2026-11-11T12:00:00Z', { touchpoint: 'ghost-kiosk', outcome: 'abandoned' });
  return out;
}

async function world(): Promise<TestWorkspace> {
  const ws = await newWorkspace('UTC');
  await configureInventory(ws);
  const all = events();
  for (let i = 0; i < all.length; i += 1000) expect((await send(ws, { batch: all.slice(i, i + 1000) })).status).toBe(202);
  for (let i = 0; i < 5; i++) if ((await drainAll(d1(), ws.id, 'UTC', NOW)).pending === 0) return ws;
  throw new Error('rollup did not finish');
}

describe('journey map', () => {
  it('lists stages in order with their touchpoints, channels, emotions, and the unconfigured ones', async () => {
    const ws = await world();
    const j = await journeyFor(d1(), ws.id, 'UTC', RANGE, null);
    expect(j.stages.map((s) => s.key)).toEqual(['awareness', 'purchase', 'after-sales']);
    const purchase = j.stages[1];
    expect(purchase.touchpoints.map((t) => t.key)).toEqual(['checkout', 'store-till']);
    expect(purchase.customers).toBe(63);
    expect(purchase.channels).toEqual([
      { channel: 'web', customers: 60, share: 95.24 },
      { channel: 'store', customers: 3, share: 4.76 },
    ]);
    const checkout = purchase.touchpoints[0];
    expect(checkout).toMatchObject({ channel: 'web', owner: 'ecommerce@shop.test', intentional: true, critical: true });
    expect(checkout.volume).toEqual({ interactions: 60, customers: 60 });
    expect(checkout.nps.score).toBe(-100);
    expect(checkout.failureRate).toBe(100);
    expect(checkout.emotions).toEqual([{ emotion: 'frustrated', count: 60 }]);
    expect(j.unconfigured.map((u) => u.key)).toEqual(['ghost-kiosk']);
    expect(j.unconfigured[0].volume).toEqual({ interactions: 2, customers: 2 });
  });

  it('flags critical moments with reasons, and a three-answer touchpoint is not a crisis', async () => {
    const ws = await world();
    const j = await journeyFor(d1(), ws.id, 'UTC', RANGE, null);
    const [checkout, till] = j.stages[1].touchpoints;
    const codes = checkout.reasons.map((r) => r.code);
    expect(checkout.criticalMoment).toBe(true);
    expect(codes).toEqual(expect.arrayContaining(['critical-underperforming', 'detractor-share-high', 'failure-rate-high', 'negative-rate-high']));
    expect(till.failureRate).toBe(100);
    expect(till.criticalMoment).toBe(false); // n = 3 < minSample
    expect(j.stages[0].touchpoints[0].criticalMoment).toBe(false); // ads does well
    expect(j.thresholds.minSample).toBe(20);
  });

  it('the segment filter narrows every figure to that segment', async () => {
    const ws = await world();
    const j = await journeyFor(d1(), ws.id, 'UTC', RANGE, 'retail');
    expect(j.segment).toBe('retail');
    const [awareness, purchase] = j.stages;
    expect(awareness.touchpoints[0].volume).toEqual({ interactions: 100, customers: 100 });
    expect(purchase.touchpoints[0].volume.interactions).toBe(0); // all checkout failures were premium
    expect(purchase.touchpoints[1].volume.interactions).toBe(3);
    expect(purchase.channels).toEqual([{ channel: 'store', customers: 3, share: 100 }]);
    expect(j.unconfigured.map((u) => u.key)).toEqual(['ghost-kiosk']); // customers 150, 151 are retail
    const premium = await journeyFor(d1(), ws.id, 'UTC', RANGE, 'premium');
    expect(premium.unconfigured).toEqual([]);
  });

  it('is served over HTTP with the segment parameter', async () => {
    const ws = await world();
    const r = await apiJson(`/v1/reports/journey?from=${RANGE.from}&to=${RANGE.to}&segment=retail`, { key: ws.keys.read });
    expect(r.status).toBe(200);
    expect(r.body.segment).toBe('retail');
    expect(r.res.headers.get('etag')).toBeTruthy();
  });
});

describe('priorities', () => {
  it('ranks the bad and wide touchpoint first, and the bad but tiny one below it', async () => {
    const ws = await world();
    const p = await prioritiesFor(d1(), ws.id, 'UTC', RANGE);
    const by = Object.fromEntries(p.rows.map((r) => [r.touchpoint, r]));
    expect(p.rows[0].touchpoint).toBe('checkout');
    expect(by['checkout'].rank).toBe(1);
    // The tiny touchpoint's customers all churned (checkout's: half), but they are three.
    expect(by['store-till'].churn.exposed.rate!).toBeGreaterThan(by['checkout'].churn.exposed.rate!);
    expect(by['store-till'].score).toBeLessThan(by['checkout'].score);
    expect(by['checkout'].nps.exposed).toEqual({ responses: 60, score: -100 });
    expect(by['checkout'].churn.exposed).toEqual({ customersAtStart: 60, churned: 30, rate: 50 });
    // Others: 13 churned of 140 (3 at the till + 10 of customers 190–199).
    expect(by['checkout'].churn.rest).toEqual({ customersAtStart: 140, churned: 13, rate: 9.29 });
    const [lo, hi] = by['checkout'].churn.ci95!;
    expect(lo).toBeGreaterThan(0);
    expect(hi).toBeGreaterThan(lo);
    expect(by['checkout'].reach).toEqual({ customers: 60, share: 30 });
  });

  it('a gap whose interval reaches zero puts nothing at stake', async () => {
    const ws = await world();
    const p = await prioritiesFor(d1(), ws.id, 'UTC', RANGE);
    const ghost = p.rows.find((r) => r.touchpoint === 'ghost-kiosk')!;
    expect(ghost.configured).toBe(false);
    expect(ghost.score).toBe(0);
    expect(p.rows.at(-1)!.score).toBe(0);
  });

  it('NPS standard error stays wide for tiny unanimous samples', () => {
    expect(npsWithError(0, 3, 3).se!).toBeGreaterThan(25);
    expect(npsWithError(0, 300, 300).se!).toBeLessThan(5);
  });

  it('is served over HTTP and prebuilt like every report', async () => {
    const ws = await world();
    const r = await apiJson(`/v1/reports/priorities?from=${RANGE.from}&to=${RANGE.to}`, { key: ws.keys.read });
    expect(r.status).toBe(200);
    expect(r.body.rows[0].touchpoint).toBe('checkout');
    expect((await apiJson('/v1/reports/priorities?period=7d', { key: ws.keys.ingest })).status).toBe(403);
  });
});
