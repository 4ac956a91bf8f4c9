import { z } from '@hono/zod-openapi';
import { ApiError } from '../platform/problem.ts';
import { createRouter } from '../platform/router.ts';
import { jsonBody } from '../platform/json-body.ts';
import { json, jsonRequest, problems } from '../platform/openapi.ts';
import { MappingName, MappingRule } from '../ingest/segment-schema.ts';
import { adminRoute } from '../workspace/keyed-route.ts';
import { deleteMapping, getMapping, listMappings, listUnmapped, putMapping } from '../ingest/mappings.ts';

const Mapping = z.object({ name: MappingName, rule: MappingRule, updatedAt: z.string() }).openapi('Mapping');
const Unmapped = z.object({ name: z.string(), count: z.number().int(), lastSeenAt: z.string() }).openapi('UnmappedCall');
const params = z.object({
  name: MappingName.openapi({
    param: { name: 'name', in: 'path' },
    description: 'A track event name (`Order Completed`), `page:<name>` / `screen:<name>`, or `page` / `screen` for every one',
  }),
});
const admin = { tags: ['Segment'] };
const notFound = (name: string) => new ApiError(404, 'not-found', `No mapping named \`${name}\` in this workspace.`);

export const mappingsRoutes = createRouter()
  .openapi(
    adminRoute({
      ...admin,
      method: 'get',
      path: '/unmapped',
      summary: 'Segment calls that mapped to nothing: name, calls received, last seen (most frequent first, up to 500)',
      responses: { 200: json(z.object({ unmapped: z.array(Unmapped) }), 'Unmapped call names') },
    }),
    async (c) => c.json({ unmapped: await listUnmapped(c.env.DB, c.get('auth').workspaceId) }, 200),
  )
  .openapi(
    adminRoute({
      ...admin,
      method: 'get',
      path: '/',
      summary: 'The workspace mapping rules for Segment calls',
      responses: { 200: json(z.object({ mappings: z.array(Mapping) }), 'Rules by name') },
    }),
    async (c) => c.json({ mappings: await listMappings(c.env.DB, c.get('auth').workspaceId) }, 200),
  )
  .openapi(
    adminRoute({
      ...admin,
      method: 'put',
      path: '/{name}',
      summary: 'Map a Segment call name to an event (overrides the default conventions); `{type: "ignore"}` maps it to nothing',
      middleware: [jsonBody],
      request: { params, body: jsonRequest(MappingRule) },
      responses: { 200: json(Mapping, 'The rule as stored'), ...problems(400, 413, 415) },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      return c.json(await putMapping(c.env.DB, c.get('auth').workspaceId, name, c.req.valid('json'), Date.now()), 200);
    },
  )
  .openapi(
    adminRoute({
      ...admin,
      method: 'get',
      path: '/{name}',
      summary: 'One mapping rule',
      request: { params },
      responses: { 200: json(Mapping, 'The rule'), ...problems(400, 404) },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      const found = await getMapping(c.env.DB, c.get('auth').workspaceId, name);
      if (!found) throw notFound(name);
      return c.json(found, 200);
    },
  )
  .openapi(
    adminRoute({
      ...admin,
      method: 'delete',
      path: '/{name}',
      summary: 'Remove a mapping rule (its calls fall back to the conventions)',
      request: { params },
      responses: { 204: { description: 'Deleted' }, ...problems(400, 404) },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      if (!(await deleteMapping(c.env.DB, c.get('auth').workspaceId, name))) throw notFound(name);
      return c.body(null, 204);
    },
  );
