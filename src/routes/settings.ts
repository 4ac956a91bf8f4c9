import { z } from '@hono/zod-openapi';
import { createRouter } from '../platform/router.ts';
import { jsonBody } from '../platform/json-body.ts';
import { adminRoute } from '../workspace/keyed-route.ts';
import { json, jsonRequest, problems } from '../platform/openapi.ts';

const Settings = z
  .object({ id: z.string(), name: z.string(), timezone: z.string(), defaultOwner: z.string().nullable() })
  .openapi('WorkspaceSettings');
type Row = { id: string; name: string; timezone: string; default_owner: string | null };
const out = (r: Row) => ({ id: r.id, name: r.name, timezone: r.timezone, defaultOwner: r.default_owner });
const admin = { tags: ['Configuration'] };

export const settingsRoutes = createRouter()
  .openapi(
    adminRoute({ ...admin, method: 'get', path: '/', summary: "This key's workspace", responses: { 200: json(Settings, 'Workspace'), ...problems(401, 403) } }),
    async (c) => {
      const row = await c.env.DB.prepare('SELECT * FROM workspaces WHERE id = ?1').bind(c.get('auth').workspaceId).first<Row>();
      return c.json(out(row!), 200);
    },
  )
  .openapi(
    adminRoute({
      ...admin,
      method: 'patch',
      path: '/',
      summary: 'Set who receives cases at touchpoints without an owner',
      middleware: [jsonBody],
      request: { body: jsonRequest(z.object({ defaultOwner: z.string().min(1).max(200).nullable() })) },
      responses: { 200: json(Settings, 'Workspace'), ...problems(400, 401, 403, 413, 415) },
    }),
    async (c) => {
      const row = await c.env.DB
        .prepare('UPDATE workspaces SET default_owner = ?2 WHERE id = ?1 RETURNING *')
        .bind(c.get('auth').workspaceId, c.req.valid('json').defaultOwner)
        .first<Row>();
      return c.json(out(row!), 200);
    },
  );
