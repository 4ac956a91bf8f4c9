import { z } from '@hono/zod-openapi';
import { database } from '../platform/d1.ts';
import { ApiError } from '../platform/problem.ts';
import { createRouter } from '../platform/router.ts';
import { jsonBody } from '../platform/json-body.ts';
import { json, jsonRequest, Key, problems, KeyParams } from '../platform/openapi.ts';
import { adminRoute } from '../workspace/keyed-route.ts';
import { deleteStage, listStages, putStage } from '../workspace/inventory.ts';

const StageInput = z.object({ name: z.string().min(1).max(100), position: z.number().int().min(0).max(1000) }).openapi('StageInput');
const Stage = z.object({ key: Key, name: z.string(), position: z.number().int() }).openapi('Stage');
const admin = { tags: ['Configuration'] };

export const stagesRoutes = createRouter()
  .openapi(
    adminRoute({
      ...admin,
      method: 'put',
      path: '/{key}',
      summary: 'Create or update a journey stage (awareness, research, purchase, use, after-sales…)',
      middleware: [jsonBody],
      request: { params: KeyParams, body: jsonRequest(StageInput) },
      responses: { 200: json(Stage, 'The stage as stored'), ...problems(400, 413, 415) },
    }),
    async (c) => {
      const { key } = c.req.valid('param');
      return c.json(await putStage(database(c.env.DB), c.get('auth').workspaceId, key, c.req.valid('json')), 200);
    },
  )
  .openapi(
    adminRoute({
      ...admin,
      method: 'get',
      path: '/',
      summary: 'List stages in journey order',
      responses: { 200: json(z.object({ stages: z.array(Stage) }), 'Stages by position') },
    }),
    async (c) => c.json({ stages: await listStages(database(c.env.DB), c.get('auth').workspaceId) }, 200),
  )
  .openapi(
    adminRoute({
      ...admin,
      method: 'delete',
      path: '/{key}',
      summary: 'Delete a stage that no touchpoint uses',
      request: { params: KeyParams },
      responses: { 204: { description: 'Deleted' }, ...problems(400, 404, 409) },
    }),
    async (c) => {
      const { key } = c.req.valid('param');
      if (!(await deleteStage(database(c.env.DB), c.get('auth').workspaceId, key))) {
        throw new ApiError(404, 'not-found', `No stage \`${key}\` in this workspace.`);
      }
      return c.body(null, 204);
    },
  );
