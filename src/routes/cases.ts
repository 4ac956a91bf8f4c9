import { z } from '@hono/zod-openapi';
import { ApiError } from '../platform/problem.ts';
import { createRouter } from '../platform/router.ts';
import { localDay } from '../platform/time.ts';
import { jsonBody } from '../platform/json-body.ts';
import { json, jsonRequest, problems } from '../platform/openapi.ts';
import { adminRoute, readRoute } from '../workspace/keyed-route.ts';
import { listCases, resolveCase } from '../loop/cases.ts';

const Case = z
  .object({
    id: z.string(),
    ticketId: z.string(),
    customerId: z.string(),
    touchpoint: z.string().nullable(),
    owner: z.string(),
    rule: z.string(),
    messageId: z.string(),
    status: z.enum(['open', 'resolved']),
    openedAt: z.string(),
    resolvedAt: z.string().nullable(),
    note: z.string().nullable(),
  })
  .openapi('Case');

export const casesRoutes = createRouter()
  .openapi(
    readRoute({
      method: 'get',
      path: '/',
      tags: ['Closed loop'],
      summary: 'Follow-up cases, newest first (up to 500)',
      request: { query: z.object({ status: z.enum(['open', 'resolved']).optional() }) },
      responses: { 200: json(z.object({ cases: z.array(Case) }), 'Cases'), ...problems(400, 401, 403) },
    }),
    async (c) => c.json({ cases: await listCases(c.env.DB, c.get('auth').workspaceId, c.req.valid('query').status) }, 200),
  )
  .openapi(
    adminRoute({
      method: 'patch',
      path: '/{id}',
      tags: ['Closed loop'],
      summary: 'Resolve a case (its ticket resolves too); resolving again changes nothing',
      middleware: [jsonBody],
      request: {
        params: z.object({ id: z.string().max(40).openapi({ param: { name: 'id', in: 'path' } }) }),
        body: jsonRequest(z.object({ status: z.literal('resolved'), note: z.string().max(2000).optional() })),
      },
      responses: { 200: json(Case, 'The case'), ...problems(400, 401, 403, 404, 413, 415) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { workspaceId, timezone } = c.get('auth');
      const now = Date.now();
      const found = await resolveCase(c.env.DB, workspaceId, id, c.req.valid('json').note ?? null, localDay(now, timezone), now);
      if (!found) throw new ApiError(404, 'not-found', 'No such case in this workspace.');
      return c.json(found, 200);
    },
  );
