import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../env.ts';
import { invalid } from '../platform/problem.ts';
import { createRouter } from '../platform/router.ts';
import { PERIODS, rangeErrors, standardRange, type Period, yesterdayIn } from '../platform/time.ts';
import { Day, Envelope, problems } from '../platform/openapi.ts';
import { cachedReport } from '../publish/cache.ts';
import { LOOP_BREAKDOWNS, loopReport } from '../reports/loop-report.ts';
import { journeyFor } from '../journey/journey.ts';
import { prioritiesFor } from '../journey/priorities.ts';
import { readRoute } from '../workspace/keyed-route.ts';
import { BREAKDOWNS, breakdownReport, dailyReport, summaryReport, type Range } from '../reports/reports.ts';
import { sha256Hex } from '../platform/crypto.ts';
import { CHANGE_RATES } from '../metrics/changes.ts';
import { INTERVALS } from '../reports/intervals.ts';
import { TREND_METRICS, trendReport } from '../reports/trend.ts';

export const RangeQuery = z.object({
  period: z.enum(PERIODS as [Period, ...Period[]]).optional().openapi({ description: 'The last 7/30/90 complete local days, ending yesterday' }),
  from: Day.optional().openapi({ description: 'First local day (with `to`)' }),
  to: Day.optional().openapi({ description: 'Last local day, at most yesterday' }),
});

/** `period`, or `from`+`to` (complete days only, at most 366); neither means 30d. */
export function resolveRange(q: z.infer<typeof RangeQuery>, tz: string, now = Date.now()): Range {
  if (q.period && (q.from || q.to)) throw invalid([{ path: 'query.period', message: 'give either period or from/to, not both' }]);
  if (!q.from !== !q.to) throw invalid([{ path: q.from ? 'query.to' : 'query.from', message: 'from and to go together' }]);
  if (!q.from || !q.to) return standardRange(q.period ?? '30d', tz, now);
  const range = { from: q.from, to: q.to };
  const errors = rangeErrors(range, yesterdayIn(tz, now), { from: 'query.from', to: 'query.to' });
  if (errors.length) throw invalid(errors);
  return range;
}

/** `Cache-Control: max-age` of a report whose days are not all rolled up yet. */
const INCOMPLETE_MAX_AGE = 5;
const MetricsSchema = z.record(z.string(), z.unknown()).openapi('Metrics', { description: 'The SPEC metrics object' });
const ChangeSchema = z
  .object({
    change: z.number().nullable().openapi({ description: 'now − previous, in the rate’s units (points; CES: score units)' }),
    interval: z.object({ low: z.number(), high: z.number() }).nullable().openapi({ description: '95% interval of the change' }),
    significant: z.boolean().openapi({ description: 'The interval excludes 0' }),
    lowSample: z.boolean().openapi({ description: 'Either period has fewer than 30 answers' }),
    n: z.number().int(),
    previousN: z.number().int(),
  })
  .openapi('Change');
const ChangesSchema = z.object(Object.fromEntries(CHANGE_RATES.map((r) => [r, ChangeSchema]))).openapi('Changes');
const IntervalSchema = z.object({ low: z.number(), high: z.number() }).nullable();
const TrendPoint = z
  .object({
    label: z.string().openapi({ description: 'YYYY-Www (ISO week) or YYYY-MM' }),
    from: z.string(),
    to: z.string(),
    partial: z.boolean().openapi({ description: 'Clipped by the range: not a whole week or month' }),
    score: z.number().nullable(),
    n: z.number().int(),
    interval: IntervalSchema.openapi({ description: '95% interval of the score' }),
    lowSample: z.boolean(),
    vsPrevious: z
      .object({ change: z.number().nullable(), interval: IntervalSchema, significant: z.boolean(), lowSample: z.boolean() })
      .nullable()
      .openapi({ description: 'Against the point before (null for the first)' }),
  })
  .openapi('TrendPoint');
export const reportResponse = (schema: z.ZodType, description: string) => ({
  200: { description, content: { 'application/json': { schema } }, headers: { ETag: { schema: { type: 'string' as const } } } },
  304: { description: 'Not modified (If-None-Match)' },
  ...problems(400),
});
const read = { tags: ['Reports'] };

export async function answer(c: Context<AppEnv>, name: string, range: Range, compute: () => Promise<unknown>) {
  const { workspaceId, timezone, reportGen } = c.get('auth');
  const { body, etag, complete } = await cachedReport(c.env.DB, c.env.REPORTS, workspaceId, timezone, name, range, compute, reportGen, c.env.COMPUTE_LIMITER);
  // An incomplete report changes as the drain goes on: clients re-ask within seconds.
  const maxAge = complete ? Number(c.env.REPORT_MAX_AGE ?? 60) : INCOMPLETE_MAX_AGE;
  const headers = { etag, 'cache-control': `private, max-age=${maxAge}`, vary: 'authorization' };
  const inm = c.req.header('if-none-match');
  if (inm && inm.split(',').some((t) => t.trim() === etag)) return c.body(null, 304, headers);
  return c.body(body, 200, { ...headers, 'content-type': 'application/json; charset=utf-8' });
}

export const reportsRoutes = createRouter()
  .openapi(
    readRoute({
      ...read,
      method: 'get',
      path: '/summary',
      summary: 'Headline metrics for a period, with the previous period of equal length',
      request: { query: RangeQuery },
      responses: reportResponse(
        z.object({ ...Envelope, metrics: MetricsSchema, previous: z.object({ from: z.string(), to: z.string(), metrics: MetricsSchema, changes: ChangesSchema }) }),
        'Summary',
      ),
    }),
    async (c) => {
      const { workspaceId, timezone } = c.get('auth');
      const range = resolveRange(c.req.valid('query'), timezone);
      return answer(c, 'summary', range, () => summaryReport(c.env.DB, workspaceId, timezone, range)) as never;
    },
  )
  .openapi(
    readRoute({
      ...read,
      method: 'get',
      path: '/daily',
      summary: 'One metrics entry per local day',
      request: { query: RangeQuery },
      responses: reportResponse(z.object({ ...Envelope, days: z.array(z.object({ day: z.string(), metrics: MetricsSchema })) }), 'Daily'),
    }),
    async (c) => {
      const { workspaceId, timezone } = c.get('auth');
      const range = resolveRange(c.req.valid('query'), timezone);
      return answer(c, 'daily', range, () => dailyReport(c.env.DB, workspaceId, timezone, range)) as never;
    },
  )
  .openapi(
    readRoute({
      ...read,
      method: 'get',
      path: '/breakdown',
      summary: 'Metrics per touchpoint, channel, stage or segment (churn and retention by segment only)',
      request: { query: RangeQuery.extend({ by: z.enum(BREAKDOWNS) }) },
      responses: reportResponse(
        z.object({ ...Envelope, by: z.enum(BREAKDOWNS), rows: z.array(z.object({ key: z.string().nullable(), metrics: MetricsSchema, rootCauses: z.array(z.object({ key: z.string(), cases: z.number().int() })).openapi({ description: 'Root causes of the closed cases opened in the period, most frequent first' }) })) }),
        'Breakdown',
      ),
    }),
    async (c) => {
      const { workspaceId, timezone } = c.get('auth');
      const q = c.req.valid('query');
      const range = resolveRange(q, timezone);
      return answer(c, `breakdown-${q.by}`, range, () => breakdownReport(c.env.DB, workspaceId, timezone, range, q.by)) as never;
    },
  )
  .openapi(
    readRoute({
      ...read,
      method: 'get',
      path: '/loop',
      summary: 'Closed-loop figures per owner (who owns the case now) or per rule (metric:<key> for metric alerts), cases opened in the period',
      request: { query: RangeQuery.extend({ by: z.enum(LOOP_BREAKDOWNS) }) },
      responses: reportResponse(
        z.object({ ...Envelope, by: z.enum(LOOP_BREAKDOWNS), rows: z.array(z.object({ key: z.string(), loop: z.record(z.string(), z.unknown()), rootCauses: z.array(z.object({ key: z.string(), cases: z.number().int() })) })) }),
        'Loop breakdown',
      ),
    }),
    async (c) => {
      const { workspaceId, timezone } = c.get('auth');
      const q = c.req.valid('query');
      const range = resolveRange(q, timezone);
      return answer(c, `loop-${q.by}`, range, () => loopReport(c.env.DB, workspaceId, timezone, range, q.by)) as never;
    },
  )
  .openapi(
    readRoute({
      ...read,
      method: 'get',
      path: '/journey',
      summary: 'The journey map: stages in order, their touchpoints measured, channels used, critical moments flagged',
      request: {
        query: RangeQuery.extend({ segment: z.string().min(1).max(100).optional().openapi({ description: "Narrow to one segment's journey" }) }),
      },
      responses: reportResponse(z.object({ ...Envelope, segment: z.string().nullable(), stages: z.array(z.unknown()), unconfigured: z.array(z.unknown()) }), 'Journey map'),
    }),
    async (c) => {
      const { workspaceId, timezone } = c.get('auth');
      const q = c.req.valid('query');
      const range = resolveRange(q, timezone);
      const segment = q.segment ?? null;
      // The segment is hashed into the cache key: KV keys hold at most 512 bytes, a segment 100 characters of any script.
      const name = segment === null ? 'journey' : `journey-segment-${(await sha256Hex(segment)).slice(0, 32)}`;
      return answer(c, name, range, () => journeyFor(c.env.DB, workspaceId, timezone, range, segment)) as never;
    },
  )
  .openapi(
    readRoute({
      ...read,
      method: 'get',
      path: '/priorities',
      summary: 'Touchpoints ranked by NPS and churn points at stake, weighted by reach, with 95% intervals',
      request: { query: RangeQuery },
      responses: reportResponse(z.object({ ...Envelope, method: z.string(), rows: z.array(z.unknown()) }), 'Priorities'),
    }),
    async (c) => {
      const { workspaceId, timezone } = c.get('auth');
      const range = resolveRange(c.req.valid('query'), timezone);
      return answer(c, 'priorities', range, () => prioritiesFor(c.env.DB, workspaceId, timezone, range)) as never;
    },
  )
  .openapi(
    readRoute({
      ...read,
      method: 'get',
      path: '/trend',
      summary: 'One point per ISO week or calendar month: score, n, 95% interval and whether it differs significantly from the point before',
      request: {
        query: RangeQuery.extend({
          interval: z.enum(INTERVALS).default('week').openapi({ description: 'ISO weeks (Monday–Sunday) or calendar months, local; the first and last are clipped to the range' }),
          metric: z.enum(TREND_METRICS),
        }),
      },
      responses: reportResponse(z.object({ ...Envelope, interval: z.enum(INTERVALS), metric: z.enum(TREND_METRICS), points: z.array(TrendPoint) }), 'Trend'),
    }),
    async (c) => {
      const { workspaceId, timezone } = c.get('auth');
      const q = c.req.valid('query');
      // A trend needs several points: without a period or range it covers the last 90 days.
      const range = resolveRange(q.period || q.from || q.to ? q : { period: '90d' }, timezone);
      return answer(c, `trend-${q.interval}-${q.metric}`, range, () => trendReport(c.env.DB, workspaceId, timezone, range, q.interval, q.metric)) as never;
    },
  );
