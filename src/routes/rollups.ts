import { createRoute, z } from '@hono/zod-openapi';
import { guardD1 } from '../platform/d1.ts';
import { invalid } from '../platform/problem.ts';
import { createRouter } from '../platform/router.ts';
import { addDays, daysBetween, isValidDay, localDay } from '../platform/time.ts';
import { requireScope } from '../workspace/auth.ts';
import { jsonBody } from '../platform/json-body.ts';
import { bearer, json, jsonRequest, problems } from '../platform/openapi.ts';
import { rollupWorkspace } from '../jobs/rollup-run.ts';
import { markBackfill, pendingIn } from '../rollup/dirty-days.ts';

const Day = z.string().refine(isValidDay, 'must be a date YYYY-MM-DD');
const RollupResult = z
  .object({
    from: z.string(),
    to: z.string(),
    marked: z.number().int().openapi({ description: 'Days marked by this call; 0 when it continues the same pending backfill' }),
    rolledUp: z.array(z.string()),
    pending: z.number().int().openapi({ description: 'Days of this range still queued; the same call again continues, or the cron finishes them' }),
    reportGeneration: z.number().int().nullable(),
  })
  .openapi('RollupResult');

export const rollupsRoutes = createRouter().openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: ['Rollups'],
    summary: 'Re-run the rollup for local days from..to (backfill) and rebuild the cached reports',
    security: bearer,
    middleware: [requireScope('admin'), jsonBody],
    request: { body: jsonRequest(z.object({ from: Day, to: Day })) },
    responses: { 202: json(RollupResult, 'Marked and (up to a budget) rolled up'), ...problems(400, 401, 403, 413, 415) },
  }),
  async (c) => {
    const { from, to } = c.req.valid('json');
    const { workspaceId, timezone } = c.get('auth');
    const now = Date.now();
    const yesterday = addDays(localDay(now, timezone), -1);
    const errors = [];
    if (from > to) errors.push({ path: 'from', message: 'from must not be after to' });
    if (to > yesterday) errors.push({ path: 'to', message: `only complete days roll up: to must be ${yesterday} or earlier` });
    if (daysBetween(from, to) + 1 > 366) errors.push({ path: 'to', message: 'at most 366 days per request' });
    if (errors.length) throw invalid(errors);
    const d1 = guardD1(c.env.DB);
    const marked = await markBackfill(d1, workspaceId, from, to, yesterday);
    const { timings, ...run } = await rollupWorkspace(c.env, workspaceId, timezone, now);
    // Operators (and npm run bench) see where the time went: the days' rollup, then the reports.
    c.header('server-timing', `rollup;dur=${timings.rollupMs};desc="days rolled up", reports;dur=${timings.reportsMs};desc="reports rebuilt"`);
    // Pending counts this range only: other dirty days are the cron's, and must not keep a
    // client that loops until 0 marking its range again.
    return c.json({ from, to, marked, ...run, pending: await pendingIn(d1, workspaceId, from, to) }, 202);
  },
);
