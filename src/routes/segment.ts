// Segment's HTTP Tracking API, so apps that already run a Segment or RudderStack SDK can point
// it here: the write key is an ingest key; answers are what those clients expect (200 and
// `{success: true}`), with problem+json for what they must not retry.
import type { RouteConfig, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.ts';
import { createRouter } from '../platform/router.ts';
import { invalid, zodErrors } from '../platform/problem.ts';
import { jsonBodyOf } from '../platform/json-body.ts';
import { json, jsonRequest, problems } from '../platform/openapi.ts';
import { segmentWriteKey } from '../workspace/auth.ts';
import { ingestRoute } from '../workspace/keyed-route.ts';
import { ingestSegment } from '../ingest/segment-ingest.ts';
import { drainAfterIngest } from '../jobs/drain.ts';
import {
  IdentifyCall, MAX_BATCH_BYTES, MAX_CALL_BYTES, PageCall, ScreenCall, SegmentAnswer, SegmentBatch, singleCall, TrackCall, type SegmentCall,
} from '../ingest/segment-schema.ts';

const answers = { 200: json(SegmentAnswer, 'Stored (or queued); calls that mapped to nothing are counted'), ...problems(400, 413, 415) };
// The write key may sit in the body, so the key check runs after the body middleware. The body
// is validated by the handler (analytics.js posts JSON as text/plain), so these routes are plain
// handlers running the middleware of their ingestRoute declaration, which the document shows.
const segmentRoute = <P extends string>(config: Parameters<typeof ingestRoute<P, RouteConfig & { path: P }>>[0], limit: number) =>
  ingestRoute(config, {
    key: segmentWriteKey,
    before: [jsonBodyOf(limit, { allowTextPlain: true })],
    security: [{ bearer: [] }, { segmentWriteKey: [] }],
  });

const postBatch = segmentRoute({
  method: 'post',
  path: '/batch',
  tags: ['Segment'],
  summary: 'Segment batch: up to 500 KB of identify, track, page and screen calls (32 KB each)',
  description:
    'Atomic, like /v1/events: on any invalid call nothing is stored. `sentAt` corrects the client clock ' +
    '(timestamp = receivedAt − (sentAt − timestamp)); `messageId` dedupes with /v1/events.',
  request: { body: jsonRequest(SegmentBatch) },
  responses: answers,
}, MAX_BATCH_BYTES);

type Single = { type: 'identify' | 'track' | 'page' | 'screen'; schema: Parameters<typeof singleCall>[0] };
const SINGLES: Single[] = [
  { type: 'identify', schema: IdentifyCall },
  { type: 'track', schema: TrackCall },
  { type: 'page', schema: PageCall },
  { type: 'screen', schema: ScreenCall },
];

const auth = (c: Context<AppEnv>) => c.get('auth');
/** Late events (complete days changed) start the workspace's drain, as on /v1/events. */
const drainFor = (c: Context<AppEnv>) => (d1: D1Database) => drainAfterIngest(c.env, d1, c.get('auth').workspaceId);

/** Validates the body here rather than in the route: analytics.js posts JSON as text/plain. */
function parse(schema: z.ZodType, c: Context<AppEnv>): unknown {
  const result = schema.safeParse(c.get('rawBody'));
  if (!result.success) throw invalid(zodErrors(result.error.issues), 'Nothing was stored: fix every listed field and resend the whole request.');
  return result.data;
}

export const segmentRoutes = createRouter();

/** Documents `route` and serves it: its middleware (body, then key check), then `handler`. */
function serve(route: ReturnType<typeof segmentRoute>, handler: (c: Context<AppEnv>) => Promise<Response>) {
  segmentRoutes.openAPIRegistry.registerPath(route);
  segmentRoutes.on('POST', [route.path], ...(route.middleware as MiddlewareHandler<AppEnv>[]), handler);
}

serve(postBatch, async (c) => {
  const parsed = parse(SegmentBatch, c) as z.infer<typeof SegmentBatch>;
  const raws = (c.get('rawBody') as { batch: unknown[] }).batch;
  const req = { calls: parsed.batch, raws, paths: raws.map((_, i) => `batch.${i}`), batchSentAt: parsed.sentAt, correctSkew: true };
  return c.json(await ingestSegment(c.env, c.executionCtx, auth(c), req, drainFor(c)), 200);
});

for (const { type, schema } of SINGLES) {
  const single = singleCall(schema);
  const route = segmentRoute(
    { method: 'post', path: `/${type}`, tags: ['Segment'], summary: `Segment ${type} call (at most 32 KB)`, request: { body: jsonRequest(single) }, responses: answers },
    MAX_CALL_BYTES,
  );
  serve(route, async (c) => {
    const call = { ...(parse(single, c) as object), type } as SegmentCall;
    const req = { calls: [call], raws: [c.get('rawBody')], paths: [''], correctSkew: true };
    return c.json(await ingestSegment(c.env, c.executionCtx, auth(c), req, drainFor(c)), 200);
  });
}
