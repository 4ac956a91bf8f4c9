import { z } from '@hono/zod-openapi';
import { database } from '../platform/d1.ts';
import { ApiError } from '../platform/problem.ts';
import { createRouter } from '../platform/router.ts';
import { jsonBody } from '../platform/json-body.ts';
import { Channel, json, jsonRequest, Key, problems, KeyParams } from '../platform/openapi.ts';
import { adminRoute } from '../workspace/keyed-route.ts';
import { deleteTouchpoint, listTouchpoints, putTouchpoint } from '../workspace/inventory.ts';

const TouchpointInput = z
  .object({
    name: z.string().min(1).max(200),
    stage: Key,
    channel: Channel,
    intentional: z.boolean().openapi({ description: 'Designed by the company (an ad) rather than unplanned (a tweet)' }),
    owner: z.string().min(1).max(200).openapi({ description: 'Who answers for it: an email or a team name' }),
    critical: z.boolean().openapi({ description: 'A critical moment of the journey' }),
  })
  .openapi('TouchpointInput');
const Touchpoint = TouchpointInput.extend({ key: Key }).openapi('Touchpoint');
const admin = { tags: ['Configuration'] };

export const touchpointsRoutes = createRouter()
  .openapi(
    adminRoute({
      ...admin,
      method: 'put',
      path: '/{key}',
      summary: 'Create or update a touchpoint of the inventory',
      middleware: [jsonBody],
      request: { params: KeyParams, body: jsonRequest(TouchpointInput) },
      responses: { 200: json(Touchpoint, 'The touchpoint as stored'), ...problems(400, 413, 415) },
    }),
    async (c) => {
      const { key } = c.req.valid('param');
      return c.json(await putTouchpoint(database(c.env.DB), c.get('auth').workspaceId, key, c.req.valid('json')), 200);
    },
  )
  .openapi(
    adminRoute({
      ...admin,
      method: 'get',
      path: '/',
      summary: 'The touchpoint inventory',
      responses: { 200: json(z.object({ touchpoints: z.array(Touchpoint) }), 'Touchpoints by key') },
    }),
    async (c) => c.json({ touchpoints: await listTouchpoints(database(c.env.DB), c.get('auth').workspaceId) }, 200),
  )
  .openapi(
    adminRoute({
      ...admin,
      method: 'delete',
      path: '/{key}',
      summary: 'Remove a touchpoint from the inventory (its past events then show as unconfigured)',
      request: { params: KeyParams },
      responses: { 204: { description: 'Deleted' }, ...problems(400, 404) },
    }),
    async (c) => {
      const { key } = c.req.valid('param');
      if (!(await deleteTouchpoint(database(c.env.DB), c.get('auth').workspaceId, key))) {
        throw new ApiError(404, 'not-found', `No touchpoint \`${key}\` in this workspace.`);
      }
      return c.body(null, 204);
    },
  );
