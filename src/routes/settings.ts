import { z } from '@hono/zod-openapi';
import { createRouter } from '../platform/router.ts';
import { jsonBody } from '../platform/json-body.ts';
import { adminRoute } from '../workspace/keyed-route.ts';
import { getSettings, updateSettings } from '../workspace/settings.ts';
import { Currency, json, jsonRequest, problems } from '../platform/openapi.ts';

const Settings = z
  .object({ id: z.string(), name: z.string(), timezone: z.string(), defaultOwner: z.string().nullable(), currency: z.string() })
  .openapi('WorkspaceSettings');
const admin = { tags: ['Configuration'] };

export const settingsRoutes = createRouter()
  .openapi(
    adminRoute({ ...admin, method: 'get', path: '/', summary: "This key's workspace", responses: { 200: json(Settings, 'Workspace'), ...problems(401, 403) } }),
    async (c) => {
      return c.json(await getSettings(c.env.DB, c.get('auth').workspaceId), 200);
    },
  )
  .openapi(
    adminRoute({
      ...admin,
      method: 'patch',
      path: '/',
      summary: "Set who receives cases at touchpoints without an owner, and the currency of interactions' value",
      middleware: [jsonBody],
      request: {
        body: jsonRequest(
          z
            .object({ defaultOwner: z.string().min(1).max(200).nullable().optional(), currency: Currency.optional() })
            .refine((b) => b.defaultOwner !== undefined || b.currency !== undefined, 'give defaultOwner, currency or both'),
        ),
      },
      responses: { 200: json(Settings, 'Workspace'), ...problems(400, 401, 403, 413, 415) },
    }),
    async (c) => {
      return c.json(await updateSettings(c.env.DB, c.get('auth').workspaceId, c.req.valid('json')), 200);
    },
  );
