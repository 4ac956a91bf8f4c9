// Loop figures in reports: SLA (overdue, withinSlaRate) in every metric set and root causes
// per touchpoint and stage, in breakdowns and priorities.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { apiJson, configureInventory, newWorkspace, send } from './helpers.ts';
import { rollupRange } from './drain.ts';

const HOUR = 3_600_000;

describe('loop figures in reports', () => {
  it('count overdue cases, the share closed within SLA, and root causes per touchpoint and stage', async () => {
    const ws = await newWorkspace('UTC');
    await configureInventory(ws);
    await apiJson('/v1/alert-rules/detractors', { method: 'PUT', key: ws.keys.admin, body: { survey: 'nps', maxScore: 6, slaHours: 2 } });
    for (const k of ['payment', 'stock']) await apiJson(`/v1/root-causes/${k}`, { method: 'PUT', key: ws.keys.admin, body: { name: k } });
    const day = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    const answer = (messageId: string, customerId: string, touchpoint: string, hour: number) =>
      send(ws, { type: 'response', messageId, customerId, survey: 'nps', score: 1, touchpoint, timestamp: `${day}T${hour}:00:00Z` });
    await answer('a', 'c-a', 'checkout', 10);
    await answer('b', 'c-b', 'checkout', 11);
    await answer('c', 'c-c', 'support-call', 12);
    const cases = (await apiJson('/v1/cases', { key: ws.keys.read })).body.cases;
    const byMsg = Object.fromEntries(cases.map((c: any) => [c.messageId, c.id]));
    for (const m of ['a', 'b']) {
      const r = await apiJson(`/v1/cases/${byMsg[m]}`, { method: 'PATCH', key: ws.keys.admin, body: { status: 'resolved', rootCause: 'payment' } });
      expect(r.status).toBe(200);
    }
    // As if the answers had arrived when given, and a closed 1 h and b 5 h later (its SLA is 2 h).
    await env.DB.prepare('UPDATE cases SET due_at = opened_at + ?2 WHERE workspace_id = ?1').bind(ws.id, 2 * HOUR).run();
    await env.DB.prepare('UPDATE cases SET resolved_at = opened_at + ?2 WHERE id = ?1').bind(byMsg.a, HOUR).run();
    await env.DB.prepare('UPDATE cases SET resolved_at = opened_at + ?2 WHERE id = ?1').bind(byMsg.b, 5 * HOUR).run();
    await rollupRange(ws, day, day);

    const summary = await apiJson('/v1/reports/summary?period=7d', { key: ws.keys.read });
    expect(summary.body.metrics.loop).toEqual({ cases: 3, closed: 2, closedRate: 66.67, medianHoursToClose: 3, overdue: 1, withinSlaRate: 33.33 });
    const daily = await apiJson(`/v1/reports/daily?from=${day}&to=${day}`, { key: ws.keys.read });
    expect(daily.body.days[0].metrics.loop).toEqual(summary.body.metrics.loop);

    const byTp = (await apiJson('/v1/reports/breakdown?by=touchpoint&period=7d', { key: ws.keys.read })).body.rows;
    const tp = (k: string) => byTp.find((r: any) => r.key === k);
    expect(tp('checkout').rootCauses).toEqual([{ key: 'payment', cases: 2 }]);
    expect(tp('checkout').metrics.loop).toMatchObject({ cases: 2, overdue: 0, withinSlaRate: 50 });
    expect(tp('support-call').rootCauses).toEqual([]);
    expect(tp('support-call').metrics.loop).toMatchObject({ cases: 1, overdue: 1, withinSlaRate: 0 });
    const byStage = (await apiJson('/v1/reports/breakdown?by=stage&period=7d', { key: ws.keys.read })).body.rows;
    expect(byStage.find((r: any) => r.key === 'purchase').rootCauses).toEqual([{ key: 'payment', cases: 2 }]);
    expect(byStage.find((r: any) => r.key === 'after-sales').rootCauses).toEqual([]);

    const priorities = (await apiJson('/v1/reports/priorities?period=7d', { key: ws.keys.read })).body.rows;
    expect(priorities.find((r: any) => r.touchpoint === 'checkout').topRootCauses).toEqual([{ key: 'payment', cases: 2 }]);
    expect(priorities.find((r: any) => r.touchpoint === 'support-call').topRootCauses).toEqual([]);

    const byOwner = (await apiJson('/v1/reports/loop?by=owner&period=7d', { key: ws.keys.read })).body;
    expect(byOwner.rows).toEqual([
      { key: 'ecommerce@shop.test', loop: { cases: 2, closed: 2, closedRate: 100, medianHoursToClose: 3, overdue: 0, withinSlaRate: 50 }, rootCauses: [{ key: 'payment', cases: 2 }] },
      { key: 'support-team', loop: { cases: 1, closed: 0, closedRate: 0, medianHoursToClose: null, overdue: 1, withinSlaRate: 0 }, rootCauses: [] },
    ]);
    const byRule = (await apiJson('/v1/reports/loop?by=rule&period=7d', { key: ws.keys.read })).body;
    expect(byRule.rows).toEqual([{ key: 'detractors', loop: summary.body.metrics.loop, rootCauses: [{ key: 'payment', cases: 2 }] }]);
    expect((await apiJson('/v1/reports/loop?by=stage&period=7d', { key: ws.keys.read })).status).toBe(400);
  });
});
