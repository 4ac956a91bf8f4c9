import { z } from '@hono/zod-openapi';
import { ApiError, invalid } from '../platform/problem.ts';
import { createRouter } from '../platform/router.ts';
import { rangeErrors, yesterdayIn } from '../platform/time.ts';
import { jsonBody } from '../platform/json-body.ts';
import { Day, json, jsonRequest, problems } from '../platform/openapi.ts';
import { ensureDrain } from '../jobs/drain.ts';
import { adminRoute } from '../workspace/keyed-route.ts';
import { getRun, openRun } from '../jobs/runs.ts';

const Run = z
  .object({
    id: z.string(),
    from: z.string(),
    to: z.string(),
    status: z.enum(['queued', 'running', 'done', 'failed']),
    days: z.number().int().openapi({ description: 'Days in the range' }),
    daysDone: z.number().int().openapi({ description: 'Days of the range rolled up (none of them still pending)' }),
    error: z.string().optional().openapi({ description: 'Why the run failed' }),
  })
  .openapi('RollupRun');


export const rollupsRoutes = createRouter()
  .openapi(
    adminRoute({
      method: 'post',
      path: '/',
      tags: ['Rollups'],
      summary: 'Roll up local days from..to again, before any other pending work, then rebuild the cached reports',
      middleware: [jsonBody],
      request: { body: jsonRequest(z.object({ from: Day, to: Day })) },
      responses: { 202: json(Run, 'The run for this range (the live one, if the same range is already running)'), ...problems(400, 413, 415) },
    }),
    async (c) => {
      const { from, to } = c.req.valid('json');
      const { workspaceId, timezone } = c.get('auth');
      const yesterday = yesterdayIn(timezone);
      const errors = rangeErrors({ from, to }, yesterday, { from: 'from', to: 'to' });
      if (errors.length) throw invalid(errors);
      const d1 = c.env.DB;
      const { run, created } = await openRun(d1, workspaceId, from, to, Date.now(), yesterday);
      if (created) await ensureDrain(c.env, d1, workspaceId, Date.now());
      c.header('location', `/v1/rollups/${run.id}`);
      return c.json(run, 202);
    },
  )
  .openapi(
    adminRoute({
      method: 'get',
      path: '/{id}',
      tags: ['Rollups'],
      summary: 'Follow a rollup run to done (or failed)',
      request: { params: z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) }) },
      responses: { 200: json(Run, 'The run'), ...problems(404) },
    }),
    async (c) => {
      const { workspaceId, timezone } = c.get('auth');
      const run = await getRun(c.env.DB, workspaceId, c.req.valid('param').id, yesterdayIn(timezone));
      if (!run) throw new ApiError(404, 'not-found', 'No such rollup run in this workspace.');
      return c.json(run, 200);
    },
  );
