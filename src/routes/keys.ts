import { z } from '@hono/zod-openapi';
import { database } from '../platform/d1.ts';
import { ApiError } from '../platform/problem.ts';
import { createRouter } from '../platform/router.ts';
import { jsonBody } from '../platform/json-body.ts';
import { json, jsonRequest, problems } from '../platform/openapi.ts';
import { adminRoute } from '../workspace/keyed-route.ts';
import { insertKey, listKeys, revokeKey } from '../workspace/keys.ts';
import { SCOPES } from '../env.ts';

const Scope = z.enum(SCOPES);
const NewKey = z.object({ id: z.string(), key: z.string().openapi({ description: 'Shown once; stored only as a hash' }), scope: Scope }).openapi('NewKey');
const KeyInfo = z
  .object({ id: z.string(), scope: Scope, createdAt: z.string(), revokedAt: z.string().nullable() })
  .openapi('KeyInfo');
const admin = { tags: ['Keys'] };

export const keysRoutes = createRouter()
  .openapi(
    adminRoute({
      ...admin,
      method: 'post',
      path: '/',
      summary: 'Create a key of one scope',
      middleware: [jsonBody],
      request: { body: jsonRequest(z.object({ scope: Scope })) },
      responses: { 201: json(NewKey, 'The new key, shown this once'), ...problems(400, 413, 415) },
    }),
    async (c) => c.json(await insertKey(database(c.env.DB), c.get('auth').workspaceId, c.req.valid('json').scope), 201),
  )
  .openapi(
    adminRoute({
      ...admin,
      method: 'get',
      path: '/',
      summary: 'List keys (never their secrets)',
      responses: { 200: json(z.object({ keys: z.array(KeyInfo) }), 'Keys of this workspace') },
    }),
    async (c) => c.json({ keys: await listKeys(database(c.env.DB), c.get('auth').workspaceId) }, 200),
  )
  .openapi(
    adminRoute({
      ...admin,
      method: 'delete',
      path: '/{id}',
      summary: 'Revoke a key; it stops working at once',
      request: { params: z.object({ id: z.string().max(64).openapi({ param: { name: 'id', in: 'path' } }) }) },
      responses: { 204: { description: 'Revoked' }, ...problems(404, 409) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const result = await revokeKey(c.env.DB, c.get('auth').workspaceId, id);
      if (result === 'missing') throw new ApiError(404, 'not-found', `No active key \`${id}\` in this workspace.`);
      if (result === 'last-admin') throw new ApiError(409, 'last-admin-key', 'This is the workspace\'s only active admin key: create another admin key first.');
      return c.body(null, 204);
    },
  );
