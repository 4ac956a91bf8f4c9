import { z } from '@hono/zod-openapi';
import { database } from '../platform/d1.ts';
import { isValidTimeZone } from '../platform/time.ts';
import { createRouter } from '../platform/router.ts';
import { operatorRoute } from '../workspace/keyed-route.ts';
import { jsonBody } from '../platform/json-body.ts';
import { Currency, json, jsonRequest, problems } from '../platform/openapi.ts';
import { createWorkspace, DEFAULT_CURRENCY } from '../workspace/workspaces.ts';

const WorkspaceInput = z
  .object({
    name: z.string().min(1).max(200),
    timezone: z.string().refine(isValidTimeZone, 'must be an IANA timezone name, e.g. Europe/Madrid').default('UTC'),
    currency: Currency.default(DEFAULT_CURRENCY),
  })
  .openapi('WorkspaceInput');
const NewWorkspace = z
  .object({
    id: z.string(),
    name: z.string(),
    timezone: z.string(),
    currency: z.string(),
    keys: z.object({ ingest: z.string(), read: z.string(), admin: z.string() }),
  })
  .openapi('NewWorkspace');

export const workspacesRoutes = createRouter().openapi(
  operatorRoute({
    method: 'post',
    path: '/',
    tags: ['Operator'],
    summary: 'Create a workspace (operator token) with one key of each scope',
    middleware: [jsonBody],
    request: { body: jsonRequest(WorkspaceInput) },
    responses: { 201: json(NewWorkspace, 'The workspace and its keys, shown this once'), ...problems(400, 401, 413, 415) },
  }),
  async (c) => {
    const { name, timezone, currency } = c.req.valid('json');
    return c.json(await createWorkspace(database(c.env.DB), name, timezone, currency), 201);
  },
);
