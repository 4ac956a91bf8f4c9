import { z } from '@hono/zod-openapi';
import { createRouter } from '../platform/router.ts';
import { jsonBody } from '../platform/json-body.ts';
import { adminRoute } from '../workspace/keyed-route.ts';
import { getSettings, updateSettings } from '../workspace/settings.ts';
import { Currency, Day, json, jsonRequest, problems } from '../platform/openapi.ts';
import { yesterdayIn } from '../platform/time.ts';
import { historyFloor, setHistoryFloor } from '../rollup/dirty-days.ts';
import { ensureDrain } from '../jobs/drain.ts';

const Settings = z
  .object({
    id: z.string(),
    name: z.string(),
    timezone: z.string(),
    defaultOwner: z.string().nullable(),
    currency: z.string(),
    historyFrom: z.string().openapi({ description: 'History floor: no day before it is rolled up (default: the creation day minus 366 days)' }),
  })
  .openapi('WorkspaceSettings');
const Patch = z
  .object({
    defaultOwner: z.string().min(1).max(200).nullable().optional(),
    currency: Currency.optional(),
    historyFrom: Day.nullable().optional().openapi({ description: 'Move the history floor (null: the default); earlier days brought in roll up' }),
  })
  .refine((p) => p.defaultOwner !== undefined || p.currency !== undefined || p.historyFrom !== undefined, 'give defaultOwner, currency, historyFrom or several');

async function view(d1: D1Database, ws: string) {
  return { ...(await getSettings(d1, ws)), historyFrom: await historyFloor(d1, ws) };
}
const admin = { tags: ['Configuration'] };

export const settingsRoutes = createRouter()
  .openapi(
    adminRoute({ ...admin, method: 'get', path: '/', summary: "This key's workspace", responses: { 200: json(Settings, 'Workspace') } }),
    async (c) => {
      return c.json(await view(c.env.DB, c.get('auth').workspaceId), 200);
    },
  )
  .openapi(
    adminRoute({
      ...admin,
      method: 'patch',
      path: '/',
      summary: "Set who receives cases at touchpoints without an owner, the currency of interactions' value, and the history floor",
      middleware: [jsonBody],
      request: { body: jsonRequest(Patch) },
      responses: { 200: json(Settings, 'Workspace'), ...problems(400, 413, 415) },
    }),
    async (c) => {
      const { workspaceId, timezone } = c.get('auth');
      const { historyFrom, ...change } = c.req.valid('json');
      if (change.defaultOwner !== undefined || change.currency !== undefined) await updateSettings(c.env.DB, workspaceId, change);
      if (historyFrom !== undefined) {
        const yesterday = yesterdayIn(timezone);
        if (await setHistoryFloor(c.env.DB, workspaceId, historyFrom, yesterday)) await ensureDrain(c.env, c.env.DB, workspaceId, Date.now());
      }
      return c.json(await view(c.env.DB, workspaceId), 200);
    },
  );
