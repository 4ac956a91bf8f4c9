import { createRoute } from '@hono/zod-openapi';
import { guardD1 } from '../platform/d1.ts';
import { requireScope } from '../workspace/auth.ts';
import { createRouter } from '../platform/router.ts';
import { invalid } from '../platform/problem.ts';
import { jsonBody } from '../platform/json-body.ts';
import { bearer, json, jsonRequest, problems } from '../platform/openapi.ts';
import { IngestBody, IngestResult, type Event } from '../ingest/event-schema.ts';
import { drainAfterIngest } from '../jobs/drain.ts';
import { parseIngestBody, sizeErrors, storeRows, toRows } from '../ingest/store.ts';
import { enqueueRows } from '../ingest/queue.ts';
import { enqueueDeliveries } from '../loop/webhooks.ts';

const postEvents = createRoute({
  method: 'post',
  path: '/',
  tags: ['Ingestion'],
  summary: 'Send one event or a batch of up to 1,000',
  description:
    'Atomic: on any invalid event nothing is stored and the answer lists every bad field. ' +
    'A repeated `messageId` is counted in `duplicates` and stored once.',
  security: bearer,
  middleware: [requireScope('ingest'), jsonBody],
  request: { body: jsonRequest(IngestBody) },
  responses: {
    202: json(IngestResult, 'Stored durably (or, in queue mode, durably queued)'),
    ...problems(400, 401, 403, 413, 415),
  },
});

export const eventsRoutes = createRouter().openapi(
  postEvents,
  async (c) => {
    const body = c.req.valid('json');
    const tooBig = sizeErrors(c.get('rawBody'));
    if (tooBig.length) throw invalid(tooBig);
    const events: Event[] = 'batch' in body ? body.batch : [body];
    const { workspaceId, timezone } = c.get('auth');
    const rows = toRows(events, timezone, Date.now());
    // Queue mode answers once the rows are durably queued; a request too large for one
    // all-or-nothing send is written directly instead, so a 5xx still means nothing stored.
    if (c.env.INGEST_MODE === 'queue' && (await enqueueRows(c.env.INGEST_QUEUE, workspaceId, rows))) {
      return c.json({ accepted: rows.length, duplicates: null, queued: true }, 202);
    }
    const d1 = guardD1(c.env.DB);
    const { accepted, duplicates, deliveries, late } = await storeRows(d1, workspaceId, rows);
    // The answer never waits for webhooks; a delivery whose enqueue fails is re-sent by the cron.
    if (deliveries.length) c.executionCtx.waitUntil(enqueueDeliveries(c.env.WEBHOOKS, deliveries).catch((e) => console.error('enqueue', String(e))));
    if (late) c.executionCtx.waitUntil(drainAfterIngest(c.env, d1, workspaceId));
    return c.json({ accepted, duplicates }, 202);
  },
  // On failure re-validate against the one schema that applies, for precise paths (`batch.3.score`).
  (result, c) => {
    if (result.success) return;
    parseIngestBody(c.get('rawBody'));
    throw invalid([{ path: '', message: 'not an event nor a batch of events' }]);
  },
);
