// Metric alerts: watch a metric (of the workspace, a touchpoint or a segment) over a standard
// period. Triggered when its whole 95% interval lies on the wrong side of the threshold, which
// opens one case and queues `alert.triggered`; recovered when the estimate itself is back on
// the right side. The state column makes a trigger happen once per excursion.
import { npsVariance, wilson, Z_95_TWO_SIDED } from '../metrics/significance.ts';

export const ALERT_METRICS = ['nps', 'csat', 'churn', 'resolution', 'closedRate'] as const;
export type AlertMetric = (typeof ALERT_METRICS)[number];
export type MetricAlert = {
  key: string; metric: AlertMetric; touchpoint: string | null; segment: string | null;
  direction: 'below' | 'above'; threshold: number; period: '7d' | '30d' | '90d';
};
type AlertRow = {
  key: string; metric: AlertMetric; touchpoint: string | null; segment: string | null; direction: 'below' | 'above'; threshold: number;
  period: '7d' | '30d' | '90d'; state: 'recovered' | 'triggered'; triggers: number; last_value: number | null; changed_at: number | null;
};

const out = (r: AlertRow) => ({
  key: r.key, metric: r.metric, touchpoint: r.touchpoint, segment: r.segment, [r.direction]: r.threshold, period: r.period,
  state: r.state, lastValue: r.last_value, changedAt: r.changed_at === null ? null : new Date(r.changed_at).toISOString(),
});

/** NPS with its normal 95% interval, in points (the variance of src/metrics/significance.ts). */
export function npsInterval(promoters: number, detractors: number, n: number) {
  const v = npsVariance(promoters, detractors, n);
  if (v === null) return null;
  const value = (100 * (promoters - detractors)) / n;
  const half = Z_95_TWO_SIDED * Math.sqrt(Math.max(0, v));
  return { value, low: value - half, high: value + half };
}

/** A proportion (0…100) with the Wilson score interval (sound near 0 and 100 and for small n). */
export function wilsonInterval(x: number, n: number) {
  const w = wilson(x, n);
  return w && { value: (100 * x) / n, low: 100 * w.low, high: 100 * w.high };
}

export type Interval = { value: number; low: number; high: number } | null;

/** The new state, or null when it stays: wrong side with the whole interval → triggered. */
export function nextState(a: Pick<MetricAlert, 'direction' | 'threshold'>, state: 'recovered' | 'triggered', i: Interval) {
  if (!i) return null;
  const below = a.direction === 'below';
  if (state === 'recovered' && (below ? i.high < a.threshold : i.low > a.threshold)) return 'triggered';
  if (state === 'triggered' && (below ? i.value >= a.threshold : i.value <= a.threshold)) return 'recovered';
  return null;
}

/** Alerts per workspace: each is evaluated after every rollup. */
export const MAX_METRIC_ALERTS = 100;

/** Null when the workspace already has MAX_METRIC_ALERTS others. */
export async function putMetricAlert(d1: D1Database, ws: string, a: MetricAlert, now: number) {
  const others = await d1
    .prepare('SELECT COUNT(*) AS n FROM metric_alerts WHERE workspace_id = ?1 AND "key" <> ?2')
    .bind(ws, a.key)
    .first<{ n: number }>();
  if ((others?.n ?? 0) >= MAX_METRIC_ALERTS) return null;
  // Changing what is watched starts afresh (recovered); the trigger count keeps case ids unique.
  const row = await d1
    .prepare(
      `INSERT INTO metric_alerts (workspace_id, "key", metric, touchpoint, segment, direction, threshold, period, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
       ON CONFLICT (workspace_id, "key") DO UPDATE SET metric = excluded.metric, touchpoint = excluded.touchpoint,
         segment = excluded.segment, direction = excluded.direction, threshold = excluded.threshold, period = excluded.period,
         state = 'recovered', last_value = NULL, changed_at = NULL, updated_at = excluded.updated_at
       RETURNING *`,
    )
    .bind(ws, a.key, a.metric, a.touchpoint, a.segment, a.direction, a.threshold, a.period, now)
    .first<AlertRow>();
  return out(row!);
}

export async function listMetricAlerts(d1: D1Database, ws: string) {
  const { results } = await d1.prepare(`SELECT * FROM metric_alerts WHERE workspace_id = ?1 ORDER BY "key" LIMIT ${MAX_METRIC_ALERTS}`).bind(ws).all<AlertRow>();
  return { rows: results, alerts: results.map(out) };
}

export async function getMetricAlert(d1: D1Database, ws: string, key: string) {
  const row = await d1.prepare('SELECT * FROM metric_alerts WHERE workspace_id = ?1 AND "key" = ?2').bind(ws, key).first<AlertRow>();
  return row ? out(row) : null;
}

export async function deleteMetricAlert(d1: D1Database, ws: string, key: string) {
  return !!(await d1.prepare('DELETE FROM metric_alerts WHERE workspace_id = ?1 AND "key" = ?2').bind(ws, key).run()).meta.changes;
}

export type { AlertRow };
