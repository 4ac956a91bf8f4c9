import { createRoute, z } from '@hono/zod-openapi';
import { guardD1 } from '../platform/d1.ts';
import { ApiError } from '../platform/problem.ts';
import { createRouter } from '../platform/router.ts';
import { requireScope } from '../workspace/auth.ts';
import { bearer, json, problems } from '../platform/openapi.ts';
import { rollupWorkspace } from '../jobs/rollup-run.ts';
import { eraseCustomer } from '../ingest/erasure.ts';

const Erased = z
  .object({
    customerId: z.string(),
    erasedEvents: z.number().int(),
    daysMarked: z.number().int(),
    rolledUp: z.array(z.string()),
    pending: z.number().int(),
  })
  .openapi('Erased');

export const customersRoutes = createRouter().openapi(
  createRoute({
    method: 'delete',
    path: '/{customerId}',
    tags: ['Customers'],
    summary: "Erase a customer's profile and events (right to erasure); the days they touched are rolled up again",
    security: bearer,
    middleware: [requireScope('admin')],
    request: { params: z.object({ customerId: z.string().min(1).max(200).openapi({ param: { name: 'customerId', in: 'path' } }) }) },
    responses: { 202: json(Erased, 'Erased; reports follow once the marked days are rolled up'), ...problems(400, 401, 403, 404) },
  }),
  async (c) => {
    const { customerId } = c.req.valid('param');
    const { workspaceId, timezone } = c.get('auth');
    const erased = await eraseCustomer(guardD1(c.env.DB), workspaceId, timezone, customerId);
    if (!erased) throw new ApiError(404, 'not-found', 'No such customer in this workspace.');
    const run = await rollupWorkspace(c.env, workspaceId, timezone, Date.now());
    return c.json({ customerId, erasedEvents: erased.events, daysMarked: erased.days, rolledUp: run.rolledUp, pending: run.pending }, 202);
  },
);
