import { createRouter } from '../platform/router.ts';
import { invalid } from '../platform/problem.ts';
import { jsonBody } from '../platform/json-body.ts';
import { json, jsonRequest, problems } from '../platform/openapi.ts';
import { IngestBody, IngestResult, type Event } from '../ingest/event-schema.ts';
import { parseIngestBody, sizeErrors, toRows } from '../ingest/store.ts';
import { acceptRows } from '../ingest/accept.ts';
import { ingestRoute } from '../workspace/keyed-route.ts';
import { drainAfterIngest } from '../jobs/drain.ts';

const postEvents = ingestRoute({
  method: 'post',
  path: '/',
  tags: ['Ingestion'],
  summary: 'Send one event or a batch of up to 1,000',
  description:
    'Atomic: on any invalid event nothing is stored and the answer lists every bad field. ' +
    'A repeated `messageId` is counted in `duplicates` and stored once.',
  middleware: [jsonBody],
  request: { body: jsonRequest(IngestBody) },
  responses: {
    202: json(IngestResult, 'Stored durably (or, in queue mode, durably queued)'),
    ...problems(400, 413, 415),
  },
});

export const eventsRoutes = createRouter().openapi(
  postEvents,
  async (c) => {
    const body = c.req.valid('json');
    const tooBig = sizeErrors(c.get('rawBody'), c.get('rawBytes'));
    if (tooBig.length) throw invalid(tooBig);
    const events: Event[] = 'batch' in body ? body.batch : [body];
    const { workspaceId, timezone } = c.get('auth');
    const rows = toRows(events, timezone, Date.now());
    const onLate = (d1: D1Database) => drainAfterIngest(c.env, d1, workspaceId);
    return c.json(await acceptRows(c.env, c.executionCtx, workspaceId, rows, { onLate }), 202);
  },
  // On failure re-validate against the one schema that applies, for precise paths (`batch.3.score`).
  (result, c) => {
    if (result.success) return;
    parseIngestBody(c.get('rawBody'), c.get('rawBytes'));
    throw invalid([{ path: '', message: 'not an event nor a batch of events' }]);
  },
);
