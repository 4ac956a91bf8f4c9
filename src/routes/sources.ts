// Segment's Webhooks destination as a source: the admin sets (or rotates) the shared secret,
// then Segment POSTs each call, signed with it, to the source's path.
import { createRoute, z } from '@hono/zod-openapi';
import type { Env } from '../env.ts';
import { ApiError, invalid, zodErrors } from '../platform/problem.ts';
import { createRouter } from '../platform/router.ts';
import { JSON_TYPE, parseJsonBytes, readLimited, tooLarge } from '../platform/json-body.ts';
import { json, problems } from '../platform/openapi.ts';
import { MAX_BATCH_BYTES, SegmentAnswer, SegmentBatch, SegmentCall } from '../ingest/segment-schema.ts';
import { deleteSegmentSource, getSegmentSource, rotateSegmentSource, verifySegmentCall } from '../ingest/segment-source.ts';
import { ingestSegment } from '../ingest/segment-ingest.ts';
import { adminRoute } from '../workspace/keyed-route.ts';
import { drainAfterIngest } from '../jobs/drain.ts';

const admin = { tags: ['Segment'] };
const Source = z.object({ sourceId: z.string(), path: z.string().openapi({ description: 'Give Segment this URL (on your Trayecto host)' }) });

const badSignature = () =>
  new ApiError(401, 'bad-signature', 'Unknown source, or `X-Signature` is not the hex HMAC-SHA1 of the body with this source\'s shared secret.');

/** The verified body of a Segment webhook: 413, 401, then 415/400, in that order. */
async function verifiedBody(env: Env, req: Request, sourceId: string) {
  if (Number(req.headers.get('content-length') ?? 'NaN') > MAX_BATCH_BYTES) throw tooLarge(MAX_BATCH_BYTES);
  const bytes = req.body ? await readLimited(req.body, MAX_BATCH_BYTES) : new Uint8Array();
  const auth = await verifySegmentCall(env, sourceId, req.headers.get('x-signature') ?? undefined, bytes);
  if (!auth) throw badSignature();
  if (!JSON_TYPE.test(req.headers.get('content-type') ?? '')) throw new ApiError(415, 'unsupported-media-type', 'Segment sends JSON.');
  return { auth, raw: parseJsonBytes(bytes) };
}

export const sourcesRoutes = createRouter()
  .openapi(
    adminRoute({
      ...admin,
      method: 'post',
      path: '/segment',
      summary: 'Set or rotate the shared secret of the Segment Webhooks source; answers it once',
      description: 'The source id (in the path Segment posts to) stays across rotations; the old secret stops verifying at once.',
      responses: { 200: json(Source.extend({ secret: z.string() }), 'Paste the path and secret into Segment') },
    }),
    async (c) => c.json(await rotateSegmentSource(c.env, c.get('auth').workspaceId, Date.now()), 200),
  )
  .openapi(
    adminRoute({
      ...admin,
      method: 'get',
      path: '/segment',
      summary: 'The Segment Webhooks source (never its secret)',
      responses: { 200: json(Source.extend({ createdAt: z.string() }), 'The source'), ...problems(404) },
    }),
    async (c) => {
      const found = await getSegmentSource(c.env.DB, c.get('auth').workspaceId);
      if (!found) throw new ApiError(404, 'not-found', 'No Segment source is set.');
      return c.json(found, 200);
    },
  )
  .openapi(
    adminRoute({
      ...admin,
      method: 'delete',
      path: '/segment',
      summary: 'Remove the Segment Webhooks source: its calls are refused from then on',
      responses: { 204: { description: 'Removed' }, ...problems(404) },
    }),
    async (c) => {
      if (!(await deleteSegmentSource(c.env.DB, c.get('auth').workspaceId))) throw new ApiError(404, 'not-found', 'No Segment source is set.');
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/segment/{sourceId}',
      tags: ['Segment'],
      summary: 'Receiver for Segment\'s Webhooks destination: one call, or {batch}, signed with `X-Signature`',
      description: 'Authenticated by the signature alone (hex HMAC-SHA1 of the raw body). Segment has already corrected `timestamp`, so `sentAt` is not applied again.',
      request: {
        params: z.object({ sourceId: z.string().openapi({ param: { name: 'sourceId', in: 'path' } }) }),
        headers: z.object({ 'x-signature': z.string().optional() }),
      },
      responses: { 200: json(SegmentAnswer, 'Stored'), ...problems(400, 401, 413, 415) },
    }),
    async (c) => {
      const { auth, raw } = await verifiedBody(c.env, c.req.raw, c.req.param('sourceId'));
      const isBatch = typeof raw === 'object' && raw !== null && !Array.isArray(raw) && 'batch' in raw;
      const parsed = isBatch ? SegmentBatch.safeParse(raw) : SegmentCall.safeParse(raw);
      if (!parsed.success) throw invalid(zodErrors(parsed.error.issues), 'Nothing was stored: fix every listed field.');
      const calls = isBatch ? (parsed.data as z.infer<typeof SegmentBatch>).batch : [parsed.data as SegmentCall];
      const raws = isBatch ? (raw as { batch: unknown[] }).batch : [raw];
      const paths = isBatch ? raws.map((_, i) => `batch.${i}`) : [''];
      const onLate = (d1: D1Database) => drainAfterIngest(c.env, d1, auth.workspaceId);
      return c.json(await ingestSegment(c.env, c.executionCtx, auth, { calls, raws, paths, correctSkew: false }, onLate), 200);
    },
  );
