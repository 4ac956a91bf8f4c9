import { z } from '@hono/zod-openapi';
import { ApiError } from '../platform/problem.ts';
import { createRouter } from '../platform/router.ts';
import { json, problems } from '../platform/openapi.ts';
import { ensureDrain } from '../jobs/drain.ts';
import { adminRoute } from '../workspace/keyed-route.ts';
import { eraseCustomer } from '../ingest/erasure.ts';
import { purgeSegmentNames } from '../publish/purge.ts';

const Erased = z
  .object({
    customerId: z.string(),
    erasedEvents: z.number().int(),
    daysMarked: z.number().int().openapi({ description: 'Days rolled up again (a drain starts at once)' }),
  })
  .openapi('Erased');

export const customersRoutes = createRouter().openapi(
  adminRoute({
    method: 'delete',
    path: '/{customerId}',
    tags: ['Customers'],
    summary: "Erase a customer's profile and events (right to erasure); the days they touched are rolled up again",
    request: { params: z.object({ customerId: z.string().min(1).max(200).openapi({ param: { name: 'customerId', in: 'path' } }) }) },
    responses: { 202: json(Erased, 'Erased; reports follow once the marked days are rolled up'), ...problems(400, 404) },
  }),
  async (c) => {
    const { customerId } = c.req.valid('param');
    const { workspaceId, timezone } = c.get('auth');
    const d1 = c.env.DB;
    const erased = await eraseCustomer(d1, workspaceId, timezone, customerId);
    if (!erased) throw new ApiError(404, 'not-found', 'No such customer in this workspace.');
    await purgeSegmentNames(d1, c.env.REPORTS, workspaceId);
    await ensureDrain(c.env, d1, workspaceId, Date.now());
    return c.json({ customerId, erasedEvents: erased.events, daysMarked: erased.days }, 202);
  },
);
