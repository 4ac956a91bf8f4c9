import { z } from '@hono/zod-openapi';
import { ApiError, invalid } from '../platform/problem.ts';
import { createRouter } from '../platform/router.ts';
import { jsonBody } from '../platform/json-body.ts';
import { json, jsonRequest, problems } from '../platform/openapi.ts';
import { newWebhookSecret, webhookUrlProblem } from '../loop/webhooks.ts';
import { adminRoute } from '../workspace/keyed-route.ts';
import { rotateWebhookSecret } from '../loop/webhook-rotation.ts';
import { deleteWebhook, getWebhook, listDeliveries, setWebhook } from '../loop/webhook-config.ts';

const admin = { tags: ['Closed loop'] };
const Attempt = z.object({ attempt: z.number().int(), at: z.string(), statusCode: z.number().int().nullable(), error: z.string().nullable(), durationMs: z.number().int() });
const Delivery = z
  .object({ id: z.string(), caseId: z.string(), type: z.string().openapi({ description: 'case.opened, case.overdue, case.resolved or alert.triggered' }), status: z.string(), attempts: z.array(Attempt), createdAt: z.string(), updatedAt: z.string() })
  .openapi('Delivery');

const WebhookState = z.object({
  url: z.string().nullable(),
  disabledAt: z.string().nullable().openapi({ description: 'When the receiver answered 410 Gone; PUT the webhook again to resume' }),
});

export const webhookRoutes = createRouter()
  .openapi(
    adminRoute({
      ...admin,
      method: 'put',
      path: '/',
      summary: 'Set the webhook that receives case.opened; answers the signing secret, once',
      middleware: [jsonBody],
      request: { body: jsonRequest(z.object({ url: z.string().max(2000) })) },
      responses: { 200: json(z.object({ url: z.string(), secret: z.string() }), 'Stored; keep the secret'), ...problems(400, 413, 415) },
    }),
    async (c) => {
      const { url } = c.req.valid('json');
      const problem = webhookUrlProblem(url, c.env.WEBHOOK_ALLOW_HTTP === 'true');
      if (problem) throw invalid([{ path: 'url', message: problem }]);
      const secret = newWebhookSecret();
      // The parsed form is stored: what the URL parser drops (tabs, CR/LF) never reaches D1.
      const stored = new URL(url).href;
      await setWebhook(c.env.DB, c.get('auth').workspaceId, stored, secret, Date.now());
      return c.json({ url: stored, secret }, 200);
    },
  )
  .openapi(
    adminRoute({
      ...admin,
      method: 'get',
      path: '/',
      summary: 'The webhook URL (never the secret); admin only, as many URLs are credentials themselves',
      responses: { 200: json(WebhookState, 'Current webhook') },
    }),
    async (c) => {
      return c.json(await getWebhook(c.env.DB, c.get('auth').workspaceId), 200);
    },
  )
  .openapi(
    adminRoute({
      ...admin,
      method: 'delete',
      path: '/',
      summary: 'Stop webhook delivery (pending deliveries are cancelled)',
      responses: { 204: { description: 'Removed' }, ...problems(404) },
    }),
    async (c) => {
      if (!(await deleteWebhook(c.env.DB, c.get('auth').workspaceId))) throw new ApiError(404, 'not-found', 'No webhook is set.');
      return c.body(null, 204);
    },
  )
  .openapi(
    adminRoute({
      ...admin,
      method: 'post',
      path: '/rotate',
      summary: 'Rotate the signing secret: answers the new one, once; the old one also signs for 24 hours',
      description: 'During the overlap `webhook-signature` carries two space-separated signatures, so receivers can switch secrets without losing a delivery.',
      responses: { 200: json(z.object({ secret: z.string(), previousSecretValidUntil: z.string() }), 'Rotated; keep the new secret'), ...problems(404) },
    }),
    async (c) => {
      const rotated = await rotateWebhookSecret(c.env.DB, c.get('auth').workspaceId, Date.now());
      if (!rotated) throw new ApiError(404, 'not-found', 'No webhook is set.');
      return c.json(rotated, 200);
    },
  )
  .openapi(
    adminRoute({
      ...admin,
      method: 'get',
      path: '/deliveries',
      summary: 'Recent deliveries (newest first, up to 100) with every attempt',
      responses: { 200: json(z.object({ deliveries: z.array(Delivery) }), 'Deliveries') },
    }),
    async (c) => {
      const deliveries = await listDeliveries(c.env.DB, c.get('auth').workspaceId);
      return c.json({ deliveries }, 200);
    },
  );
