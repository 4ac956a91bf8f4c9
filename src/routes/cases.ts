import { z } from '@hono/zod-openapi';
import { ApiError } from '../platform/problem.ts';
import { createRouter } from '../platform/router.ts';
import { localDay } from '../platform/time.ts';
import { adminRoute, readRoute } from '../workspace/keyed-route.ts';
import { jsonBody } from '../platform/json-body.ts';
import { json, jsonRequest, Key, problems } from '../platform/openapi.ts';
import { listCases } from '../loop/cases.ts';
import { getCase, patchCase } from '../loop/case-history.ts';
import { enqueueDeliveries } from '../loop/webhooks.ts';

const Case = z
  .object({
    id: z.string(),
    ticketId: z.string(),
    customerId: z.string(),
    touchpoint: z.string().nullable(),
    owner: z.string(),
    rule: z.string(),
    messageId: z.string(),
    status: z.enum(['open', 'resolved']),
    openedAt: z.string(),
    resolvedAt: z.string().nullable(),
    note: z.string().nullable(),
    dueAt: z.string().nullable().openapi({ description: 'Received time plus the rule\'s slaHours; null without an SLA' }),
    overdue: z.boolean().openapi({ description: 'Open and past dueAt' }),
    escalatedAt: z.string().nullable().openapi({ description: 'When the cron reassigned it as overdue (once)' }),
    rootCause: z.string().nullable(),
  })
  .openapi('Case');
const CaseEvent = z
  .object({
    kind: z.enum(['opened', 'assigned', 'escalated', 'note', 'status']),
    at: z.string(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    note: z.string().nullable(),
  })
  .openapi('CaseEvent');
const CaseWithHistory = Case.extend({ history: z.array(CaseEvent) }).openapi('CaseWithHistory');
const CasePatch = z
  .object({
    status: z.literal('resolved').optional(),
    owner: z.string().trim().min(1).max(200).optional(),
    note: z.string().max(2000).optional(),
    rootCause: Key.optional().openapi({ description: 'A key from /v1/root-causes; required to close once the workspace has any' }),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'give at least one of status, owner, note, rootCause' })
  .openapi('CasePatch');
const params = z.object({ id: z.string().max(40).openapi({ param: { name: 'id', in: 'path' } }) });
const base = { tags: ['Closed loop'] };
const notFound = () => new ApiError(404, 'not-found', 'No such case in this workspace.');

export const casesRoutes = createRouter()
  .openapi(
    readRoute({
      ...base,
      method: 'get',
      path: '/',
      summary: 'Follow-up cases, newest first (up to 500); overdue=true: open cases past due, most overdue first',
      request: {
        query: z.object({ status: z.enum(['open', 'resolved']).optional(), overdue: z.enum(['true', 'false']).optional() }),
      },
      responses: { 200: json(z.object({ cases: z.array(Case) }), 'Cases'), ...problems(400) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const cases = await listCases(c.env.DB, c.get('auth').workspaceId, { status: q.status, overdue: q.overdue === 'true' }, Date.now());
      return c.json({ cases }, 200);
    },
  )
  .openapi(
    readRoute({
      ...base,
      method: 'get',
      path: '/{id}',
      summary: 'One case with its history: opened, assignments, escalation, notes, status changes, in order',
      request: { params },
      responses: { 200: json(CaseWithHistory, 'The case'), ...problems(400, 404) },
    }),
    async (c) => {
      const found = await getCase(c.env.DB, c.get('auth').workspaceId, c.req.valid('param').id, Date.now());
      if (!found) throw notFound();
      return c.json(found, 200);
    },
  )
  .openapi(
    adminRoute({
      ...base,
      method: 'patch',
      path: '/{id}',
      summary: 'Reassign, add a note, or close a case (its ticket resolves, case.resolved is delivered); closing again changes nothing',
      middleware: [jsonBody],
      request: { params, body: jsonRequest(CasePatch) },
      responses: { 200: json(CaseWithHistory, 'The case'), ...problems(400, 404, 413, 415) },
    }),
    async (c) => {
      const { workspaceId, timezone } = c.get('auth');
      const now = Date.now();
      const done = await patchCase(c.env.DB, workspaceId, c.req.valid('param').id, c.req.valid('json'), localDay(now, timezone), now);
      if (!done) throw notFound();
      await enqueueDeliveries(c.env.WEBHOOKS, done.deliveries);
      return c.json(done.case, 200);
    },
  );
