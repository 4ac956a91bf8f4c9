import { z } from '@hono/zod-openapi';
import { createRouter } from '../platform/router.ts';
import { anyKeyRoute } from '../workspace/keyed-route.ts';
import { json, problems } from '../platform/openapi.ts';
import { SCOPES } from '../env.ts';

const Identity = z
  .object({
    workspaceId: z.string(),
    keyId: z.string(),
    scope: z.enum(SCOPES),
    timezone: z.string().openapi({ description: "The workspace's timezone: local days are counted in it" }),
  })
  .openapi('KeyIdentity');

// Lets an app check the key it was configured with (any scope) without sending an event.
// It does nothing else, which also makes it the bench's authenticated trivial route.
export const whoamiRoutes = createRouter().openapi(
  anyKeyRoute({
    method: 'get',
    path: '/',
    tags: ['Keys'],
    summary: 'The workspace, key id and scope of the presented key',
    responses: { 200: json(Identity, 'The key is valid'), ...problems(429) },
  }),
  (c) => {
    const { workspaceId, keyId, scope, timezone } = c.get('auth');
    return c.json({ workspaceId, keyId, scope, timezone }, 200);
  },
);
