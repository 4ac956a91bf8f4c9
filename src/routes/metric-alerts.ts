import { z } from '@hono/zod-openapi';
import { ApiError } from '../platform/problem.ts';
import { createRouter } from '../platform/router.ts';
import { adminRoute, readRoute } from '../workspace/keyed-route.ts';
import { jsonBody } from '../platform/json-body.ts';
import { json, jsonRequest, Key, problems, KeyParams } from '../platform/openapi.ts';
import { ALERT_METRICS, MAX_METRIC_ALERTS, deleteMetricAlert, getMetricAlert, listMetricAlerts, putMetricAlert } from '../loop/metric-alerts.ts';

const threshold = z.number().min(-100).max(100);
const MetricAlertInput = z
  .object({
    metric: z.enum(ALERT_METRICS).openapi({ description: 'nps (−100…100) or a rate in percent: csat, churn, resolution, closedRate' }),
    touchpoint: Key.optional(),
    segment: z.string().min(1).max(100).optional(),
    below: threshold.optional(),
    above: threshold.optional(),
    period: z.enum(['7d', '30d', '90d']),
  })
  .strict()
  .superRefine((a, ctx) => {
    if ((a.below === undefined) === (a.above === undefined)) ctx.addIssue({ code: 'custom', path: ['below'], message: 'give exactly one of below and above' });
    if (a.touchpoint !== undefined && a.segment !== undefined) ctx.addIssue({ code: 'custom', path: ['segment'], message: 'watch a touchpoint or a segment, not both' });
    if (a.metric === 'churn' && a.touchpoint !== undefined) ctx.addIssue({ code: 'custom', path: ['touchpoint'], message: 'churn is measured for the workspace or a segment' });
    const t = a.below ?? a.above;
    if (a.metric !== 'nps' && t !== undefined && t < 0) ctx.addIssue({ code: 'custom', path: [a.below !== undefined ? 'below' : 'above'], message: 'a rate threshold is from 0 to 100' });
  })
  .openapi('MetricAlertInput');
const MetricAlert = z
  .object({
    key: z.string(), metric: z.enum(ALERT_METRICS), touchpoint: z.string().nullable(), segment: z.string().nullable(),
    below: z.number().optional(), above: z.number().optional(), period: z.enum(['7d', '30d', '90d']),
    state: z.enum(['recovered', 'triggered']), lastValue: z.number().nullable(), changedAt: z.string().nullable(),
  })
  .openapi('MetricAlert');
const base = { tags: ['Closed loop'] };
const notFound = (key: string) => new ApiError(404, 'not-found', `No metric alert \`${key}\` in this workspace.`);

export const metricAlertsRoutes = createRouter()
  .openapi(
    adminRoute({
      ...base,
      method: 'put',
      path: '/{key}',
      summary: 'Create or replace a metric alert, evaluated after each rollup; replacing starts it afresh',
      middleware: [jsonBody],
      request: { params: KeyParams, body: jsonRequest(MetricAlertInput) },
      responses: { 200: json(MetricAlert, 'The alert as stored'), ...problems(400, 409, 413, 415) },
    }),
    async (c) => {
      const { key } = c.req.valid('param');
      const b = c.req.valid('json');
      const alert = {
        key, metric: b.metric, touchpoint: b.touchpoint ?? null, segment: b.segment ?? null, period: b.period,
        direction: b.below !== undefined ? ('below' as const) : ('above' as const), threshold: (b.below ?? b.above)!,
      };
      const stored = await putMetricAlert(c.env.DB, c.get('auth').workspaceId, alert, Date.now());
      if (!stored) throw new ApiError(409, 'too-many-metric-alerts', `A workspace has at most ${MAX_METRIC_ALERTS} metric alerts: delete one first.`);
      return c.json(stored, 200);
    },
  )
  .openapi(
    readRoute({
      ...base,
      method: 'get',
      path: '/',
      summary: 'List metric alerts with their state (a read key may list)',
      responses: { 200: json(z.object({ alerts: z.array(MetricAlert) }), 'Alerts by key') },
    }),
    async (c) => c.json({ alerts: (await listMetricAlerts(c.env.DB, c.get('auth').workspaceId)).alerts }, 200),
  )
  .openapi(
    readRoute({
      ...base,
      method: 'get',
      path: '/{key}',
      summary: 'One metric alert and its state',
      request: { params: KeyParams },
      responses: { 200: json(MetricAlert, 'The alert'), ...problems(400, 404) },
    }),
    async (c) => {
      const { key } = c.req.valid('param');
      const found = await getMetricAlert(c.env.DB, c.get('auth').workspaceId, key);
      if (!found) throw notFound(key);
      return c.json(found, 200);
    },
  )
  .openapi(
    adminRoute({
      ...base,
      method: 'delete',
      path: '/{key}',
      summary: 'Delete a metric alert (its cases stay)',
      request: { params: KeyParams },
      responses: { 204: { description: 'Deleted' }, ...problems(400, 404) },
    }),
    async (c) => {
      const { key } = c.req.valid('param');
      if (!(await deleteMetricAlert(c.env.DB, c.get('auth').workspaceId, key))) throw notFound(key);
      return c.body(null, 204);
    },
  );
