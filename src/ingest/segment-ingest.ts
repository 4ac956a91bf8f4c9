// Segment calls in, Trayecto events out, through the same storage as /v1/events.
import type { Env } from '../env.ts';
import { sha256Hex } from '../platform/crypto.ts';
import { invalid, type FieldError } from '../platform/problem.ts';
import { acceptRows, type AcceptOptions } from './accept.ts';
import { countUnmapped, rulesFor } from './mappings.ts';
import { mapCalls, ruleNames, type ReadyCall } from './segment-map.ts';
import { MAX_CALL_BYTES, type SegmentCall } from './segment-schema.ts';
import { toRows } from './store.ts';

export type SegmentRequest = {
  calls: SegmentCall[];
  /** Each call as the client sent it: its size is checked and a missing messageId hashed from it. */
  raws: unknown[];
  /** Where each call sits in the body (`batch.3`, or '' for a single call), for error paths. */
  paths: string[];
  batchSentAt?: string;
  /** Tracking API: correct the client's clock with sentAt. Webhooks: Segment already did. */
  correctSkew: boolean;
};

const enc = new TextEncoder();
const MAX_DATE_MS = 8.64e15;

/**
 * A missing messageId is made, as Segment does, but from the call's content rather than at
 * random when the call has its own timestamp: a client that retries the same call (sentAt
 * aside) then gets the same id, so the retry is deduped. Without a timestamp two identical
 * calls may be different events (a page viewed twice), so the id is random and such retries
 * cannot be deduped: clients should send a messageId.
 */
async function messageIdFor(call: SegmentCall, raw: unknown): Promise<string> {
  if (call.messageId) return call.messageId;
  if (!call.timestamp) return `seg-${crypto.randomUUID()}`;
  const { sentAt: _s, writeKey: _w, ...content } = raw as Record<string, unknown>;
  return `seg-${(await sha256Hex(`${call.type}\n${JSON.stringify(content)}`)).slice(0, 40)}`;
}

/** The event time: receivedAt − (sentAt − timestamp) when both are known (Segment's rule). */
function eventTime(call: SegmentCall, batchSentAt: string | undefined, receivedAt: number, correctSkew: boolean): number {
  if (!call.timestamp) return receivedAt;
  const ts = Date.parse(call.timestamp);
  const sentAt = call.sentAt ?? batchSentAt;
  return correctSkew && sentAt ? receivedAt - (Date.parse(sentAt) - ts) : ts;
}

async function settle(req: SegmentRequest, i: number, receivedAt: number, errors: FieldError[]): Promise<ReadyCall> {
  const call = req.calls[i];
  const at = req.paths[i];
  if (enc.encode(JSON.stringify(req.raws[i]) ?? '').byteLength > MAX_CALL_BYTES) {
    errors.push({ path: at, message: `a call is at most ${MAX_CALL_BYTES} bytes of JSON` });
  }
  let ms = eventTime(call, req.batchSentAt, receivedAt, req.correctSkew);
  if (!(Math.abs(ms) <= MAX_DATE_MS)) {
    errors.push({ path: at ? `${at}.sentAt` : 'sentAt', message: 'sentAt and timestamp give an impossible time' });
    ms = receivedAt;
  }
  const messageId = await messageIdFor(call, req.raws[i]);
  const traitsId = `${messageId}:traits`;
  const traitsMessageId = traitsId.length <= 100 ? traitsId : `seg-${(await sha256Hex(traitsId)).slice(0, 40)}`;
  return { ...call, messageId, timestamp: new Date(ms).toISOString(), traitsMessageId };
}

/** Maps and stores a request's calls: all of them or none (400 with every bad field). */
export async function ingestSegment(
  env: Env,
  ctx: { waitUntil(p: Promise<unknown>): void },
  auth: { workspaceId: string; timezone: string },
  req: SegmentRequest,
  onLate?: AcceptOptions['onLate'],
) {
  const receivedAt = Date.now();
  const errors: FieldError[] = [];
  const ready = await Promise.all(req.calls.map((_, i) => settle(req, i, receivedAt, errors)));
  const d1 = env.DB;
  const rules = await rulesFor(d1, auth.workspaceId, req.calls.flatMap(ruleNames));
  const mapped = mapCalls(ready, rules, req.paths);
  errors.push(...mapped.errors);
  if (errors.length) throw invalid(errors, 'Nothing was stored: fix every listed field and resend the whole request.');
  const rows = toRows(mapped.events, auth.timezone, receivedAt);
  const extra = (db: D1Database) => countUnmapped(db, auth.workspaceId, mapped.unmapped, receivedAt);
  const result = await acceptRows(env, ctx, auth.workspaceId, rows, { extra, onLate });
  return { success: true as const, accepted: result.accepted, duplicates: result.duplicates, unmapped: mapped.unmapped.length };
}
