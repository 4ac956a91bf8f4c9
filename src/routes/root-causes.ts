import { z } from '@hono/zod-openapi';
import { ApiError } from '../platform/problem.ts';
import { createRouter } from '../platform/router.ts';
import { adminRoute, readRoute } from '../workspace/keyed-route.ts';
import { jsonBody } from '../platform/json-body.ts';
import { json, jsonRequest, problems, KeyParams } from '../platform/openapi.ts';
import { MAX_ROOT_CAUSES, deleteRootCause, getRootCause, listRootCauses, putRootCause } from '../loop/root-causes.ts';

const RootCauseInput = z.object({ name: z.string().trim().min(1).max(200) }).strict().openapi('RootCauseInput');
const RootCause = z.object({ key: z.string(), name: z.string(), updatedAt: z.string() }).openapi('RootCause');
const base = { tags: ['Closed loop'] };
const notFound = (key: string) => new ApiError(404, 'not-found', `No root cause \`${key}\` in this workspace.`);

export const rootCausesRoutes = createRouter()
  .openapi(
    adminRoute({
      ...base,
      method: 'put',
      path: '/{key}',
      summary: 'Create or rename a root cause; once a workspace has one, closing a case names one',
      middleware: [jsonBody],
      request: { params: KeyParams, body: jsonRequest(RootCauseInput) },
      responses: { 200: json(RootCause, 'The root cause as stored'), ...problems(400, 409, 413, 415) },
    }),
    async (c) => {
      const { key } = c.req.valid('param');
      const stored = await putRootCause(c.env.DB, c.get('auth').workspaceId, key, c.req.valid('json').name, Date.now());
      if (!stored) throw new ApiError(409, 'too-many-root-causes', `A workspace has at most ${MAX_ROOT_CAUSES} root causes: delete one first.`);
      return c.json(stored, 200);
    },
  )
  .openapi(
    readRoute({
      ...base,
      method: 'get',
      path: '/',
      summary: 'List root causes (a read key may list)',
      responses: { 200: json(z.object({ rootCauses: z.array(RootCause) }), 'Root causes by key') },
    }),
    async (c) => c.json({ rootCauses: await listRootCauses(c.env.DB, c.get('auth').workspaceId) }, 200),
  )
  .openapi(
    readRoute({
      ...base,
      method: 'get',
      path: '/{key}',
      summary: 'One root cause',
      request: { params: KeyParams },
      responses: { 200: json(RootCause, 'The root cause'), ...problems(400, 404) },
    }),
    async (c) => {
      const { key } = c.req.valid('param');
      const found = await getRootCause(c.env.DB, c.get('auth').workspaceId, key);
      if (!found) throw notFound(key);
      return c.json(found, 200);
    },
  )
  .openapi(
    adminRoute({
      ...base,
      method: 'delete',
      path: '/{key}',
      summary: 'Delete a root cause (closed cases keep the key they named)',
      request: { params: KeyParams },
      responses: { 204: { description: 'Deleted' }, ...problems(400, 404) },
    }),
    async (c) => {
      const { key } = c.req.valid('param');
      if (!(await deleteRootCause(c.env.DB, c.get('auth').workspaceId, key))) throw notFound(key);
      return c.body(null, 204);
    },
  );
