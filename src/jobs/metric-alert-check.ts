// Evaluates a workspace's metric alerts after each rollup (the drain's reports step), on the
// same figures the reports show: one metrics computation per period and dimension.
import type { Env } from '../env.ts';
import type { Metrics } from '../metrics/definitions.ts';
import { enqueueDeliveries } from '../loop/webhooks.ts';
import { listMetricAlerts, nextState, npsInterval, wilsonInterval, type AlertRow, type Interval } from '../loop/metric-alerts.ts';
import { noteAlertValue, recoverAlert, triggerAlert } from '../loop/metric-alert-cases.ts';
import { PeriodFacts } from '../reports/period-facts.ts';
import { metricsFor } from '../reports/reports.ts';
import { standardRange } from '../platform/time.ts';

function intervalOf(metric: AlertRow['metric'], m: Metrics | undefined): Interval {
  if (!m) return null;
  switch (metric) {
    case 'nps': return npsInterval(m.nps.promoters, m.nps.detractors, m.nps.responses);
    case 'csat': return wilsonInterval(m.csat.satisfied, m.csat.responses);
    case 'churn': return m.churn && wilsonInterval(m.churn.churned, m.churn.customersAtStart);
    case 'resolution': return wilsonInterval(m.resolution.resolved, m.resolution.received);
    case 'closedRate': return wilsonInterval(m.loop.closed, m.loop.cases);
  }
}

const r2 = (x: number) => Math.round(x * 100) / 100;

export async function checkMetricAlerts(env: Env, d1: D1Database, ws: string, tz: string, now: number) {
  const { rows } = await listMetricAlerts(d1, ws);
  if (!rows.length) return;
  const facts = new PeriodFacts(d1);
  const sets = new Map<string, Promise<Map<string, Metrics>>>();
  const deliveries: string[] = [];
  for (const a of rows) {
    const dim = a.touchpoint !== null ? 'touchpoint' : a.segment !== null ? 'segment' : 'all';
    const id = `${a.period}/${dim}`;
    if (!sets.has(id)) sets.set(id, metricsFor(d1, ws, tz, standardRange(a.period, tz, now), dim, facts));
    const i = intervalOf(a.metric, (await sets.get(id)!).get(a.touchpoint ?? a.segment ?? ''));
    const next = nextState(a, a.state, i);
    if (next === 'triggered') {
      const note = `${a.metric} ${r2(i!.value)} (95% interval ${r2(i!.low)} to ${r2(i!.high)}) ${a.direction} ${a.threshold} over ${a.period}`;
      deliveries.push(...(await triggerAlert(d1, ws, a.key, r2(i!.value), note, now)));
    } else if (next === 'recovered') await recoverAlert(d1, ws, a.key, r2(i!.value), now);
    else await noteAlertValue(d1, ws, a.key, i ? r2(i.value) : null);
  }
  await enqueueDeliveries(env.WEBHOOKS, deliveries);
}
