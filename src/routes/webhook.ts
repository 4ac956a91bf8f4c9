import { z } from '@hono/zod-openapi';
import { ApiError, invalid } from '../platform/problem.ts';
import { createRouter } from '../platform/router.ts';
import { jsonBody } from '../platform/json-body.ts';
import { json, jsonRequest, problems } from '../platform/openapi.ts';
import { newWebhookSecret, webhookUrlProblem } from '../loop/webhooks.ts';
import { adminRoute } from '../workspace/keyed-route.ts';
import { rotateWebhookSecret } from '../loop/webhook-rotation.ts';

const admin = { tags: ['Closed loop'] };
const Attempt = z.object({ attempt: z.number().int(), at: z.string(), statusCode: z.number().int().nullable(), error: z.string().nullable(), durationMs: z.number().int() });
const Delivery = z
  .object({ id: z.string(), caseId: z.string(), status: z.string(), attempts: z.array(Attempt), createdAt: z.string(), updatedAt: z.string() })
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
      responses: { 200: json(z.object({ url: z.string(), secret: z.string() }), 'Stored; keep the secret'), ...problems(400, 401, 403, 413, 415) },
    }),
    async (c) => {
      const { url } = c.req.valid('json');
      const problem = webhookUrlProblem(url, c.env.WEBHOOK_ALLOW_HTTP === 'true');
      if (problem) throw invalid([{ path: 'url', message: problem }]);
      const secret = newWebhookSecret();
      await c.env.DB
        .prepare(
          `INSERT INTO webhooks (workspace_id, url, secret, created_at) VALUES (?1, ?2, ?3, ?4)
           ON CONFLICT (workspace_id) DO UPDATE SET url = excluded.url, secret = excluded.secret, created_at = excluded.created_at,
             previous_secret = NULL, previous_secret_until = NULL, disabled_at = NULL`,
        )
        .bind(c.get('auth').workspaceId, url, secret, Date.now())
        .run();
      return c.json({ url, secret }, 200);
    },
  )
  .openapi(
    adminRoute({
      ...admin,
      method: 'get',
      path: '/',
      summary: 'The webhook URL (never the secret); admin only, as many URLs are credentials themselves',
      responses: { 200: json(WebhookState, 'Current webhook'), ...problems(401, 403) },
    }),
    async (c) => {
      const row = await c.env.DB
        .prepare('SELECT url, disabled_at FROM webhooks WHERE workspace_id = ?1')
        .bind(c.get('auth').workspaceId)
        .first<{ url: string; disabled_at: number | null }>();
      const disabledAt = row?.disabled_at ? new Date(row.disabled_at).toISOString() : null;
      return c.json({ url: row?.url ?? null, disabledAt }, 200);
    },
  )
  .openapi(
    adminRoute({
      ...admin,
      method: 'delete',
      path: '/',
      summary: 'Stop webhook delivery (pending deliveries are cancelled)',
      responses: { 204: { description: 'Removed' }, ...problems(401, 403, 404) },
    }),
    async (c) => {
      const res = await c.env.DB.prepare('DELETE FROM webhooks WHERE workspace_id = ?1').bind(c.get('auth').workspaceId).run();
      if (!res.meta.changes) throw new ApiError(404, 'not-found', 'No webhook is set.');
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
      responses: { 200: json(z.object({ secret: z.string(), previousSecretValidUntil: z.string() }), 'Rotated; keep the new secret'), ...problems(401, 403, 404) },
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
      responses: { 200: json(z.object({ deliveries: z.array(Delivery) }), 'Deliveries'), ...problems(401, 403) },
    }),
    async (c) => {
      const d1 = c.env.DB;
      const { results } = await d1
        .prepare(
          `SELECT d.id, d.case_id, d.status, d.created_at, d.updated_at,
             (SELECT json_group_array(json_object('attempt', a.attempt, 'at', a.at, 'statusCode', a.status_code, 'error', a.error, 'durationMs', a.duration_ms))
              FROM (SELECT * FROM delivery_attempts WHERE delivery_id = d.id ORDER BY attempt) a) AS attempts
           FROM deliveries d WHERE d.workspace_id = ?1 ORDER BY d.created_at DESC, d.id LIMIT 100`,
        )
        .bind(c.get('auth').workspaceId)
        .all<{ id: string; case_id: string; status: string; created_at: number; updated_at: number; attempts: string }>();
      const iso = (ms: number) => new Date(ms).toISOString();
      const deliveries = results.map((d) => ({
        id: d.id,
        caseId: d.case_id,
        status: d.status,
        attempts: (JSON.parse(d.attempts) as { at: number }[]).map((a) => ({ ...a, at: iso(a.at) })) as z.infer<typeof Attempt>[],
        createdAt: iso(d.created_at),
        updatedAt: iso(d.updated_at),
      }));
      return c.json({ deliveries }, 200);
    },
  );
