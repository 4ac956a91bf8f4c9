import { z } from '@hono/zod-openapi';
import { Channel, Key } from '../platform/openapi.ts';
import { SCORE_RANGE, SURVEYS } from '../metrics/definitions.ts';

/** The values of `outcome`, lifecycle `status` and ticket `status` (the SPEC's), shared with the Segment mapping. */
export const OUTCOMES = ['success', 'failure', 'abandoned'] as const;
export const LIFECYCLE_STATUSES = ['started', 'churned'] as const;
export const TICKET_STATUSES = ['opened', 'responded', 'resolved', 'reopened'] as const;

export const MAX_BATCH = 1000;
export const MAX_EVENT_BYTES = 32 * 1024;
const FUTURE_LIMIT_MS = 24 * 3_600_000;
// Earlier instants are refused: before year 1000 a local day is no longer YYYY-MM-DD (Intl writes
// year 999 as "999", 1 BC as "1"), and an event before the Unix epoch is a client bug, not history.
const EARLIEST_MS = Date.UTC(1970, 0, 1);

const timestamp = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with an offset, e.g. 2026-03-01T10:00:00+01:00' })
  .refine((s) => Date.parse(s) <= Date.now() + FUTURE_LIMIT_MS, 'must not be more than 24 hours in the future')
  .refine((s) => Date.parse(s) >= EARLIEST_MS, 'must not be before 1970-01-01T00:00:00Z')
  .optional();

const base = {
  messageId: z.string().min(1).max(100),
  // `.` and `..` could never be erased through DELETE /v1/customers/:customerId (URL paths normalise them).
  customerId: z.string().min(1).max(200).refine((id) => id !== '.' && id !== '..', 'a customerId cannot be `.` or `..`'),
  timestamp,
};

// JSON.parse keeps a `__proto__` key as an own property, but copying the object drops it:
// refused, so that nothing sent is silently lost.
// (A walk with its own stack: nesting as deep as 32 KiB allows must not overflow the call stack.)
function hasProtoKey(root: unknown): boolean {
  const todo = [root];
  while (todo.length) {
    const v = todo.pop();
    if (typeof v !== 'object' || v === null) continue;
    if (Object.hasOwn(v, '__proto__')) return true;
    todo.push(...Object.values(v));
  }
  return false;
}
const Obj = z
  .custom<Record<string, unknown>>((v) => !hasProtoKey(v), 'a `__proto__` key is not allowed (at any depth)')
  .openapi({ type: 'object', additionalProperties: true, description: 'Any JSON object without `__proto__` keys' })
  .pipe(z.record(z.string().max(200), z.unknown()));

export const IdentifyEvent = z.object({
  type: z.literal('identify'),
  ...base,
  segment: z.string().min(1).max(100).optional(),
  traits: Obj.optional(),
});

export const InteractionEvent = z.object({
  type: z.literal('interaction'),
  ...base,
  touchpoint: Key,
  channel: Channel.optional(),
  outcome: z.enum(OUTCOMES).optional(),
  sentiment: z.number().min(-1).max(1).optional(),
  emotion: z.string().min(1).max(50).optional(),
  value: z
    .number()
    .min(0)
    .max(1e12)
    .optional()
    .openapi({ description: "What the interaction was worth (e.g. the sale's amount), in the workspace's currency; ≥ 0" }),
  properties: Obj.optional(),
});


export const ResponseEvent = z
  .object({
    type: z.literal('response'),
    ...base,
    survey: z.enum(SURVEYS),
    score: z.number().int(),
    touchpoint: Key.optional(),
    comment: z.string().max(5000).optional(),
  })
  .superRefine((e, ctx) => {
    const [min, max] = SCORE_RANGE[e.survey];
    if (e.score < min || e.score > max) {
      ctx.addIssue({ code: 'custom', path: ['score'], message: `a ${e.survey} score is an integer from ${min} to ${max}` });
    }
  });

export const LifecycleEvent = z.object({
  type: z.literal('lifecycle'),
  ...base,
  status: z.enum(LIFECYCLE_STATUSES),
});

export const TicketEvent = z.object({
  type: z.literal('ticket'),
  ...base,
  ticketId: z.string().min(1).max(200),
  status: z.enum(TICKET_STATUSES),
  touchpoint: Key.optional(),
  channel: Channel.optional(),
});

export const Event = z
  .discriminatedUnion('type', [IdentifyEvent, InteractionEvent, ResponseEvent, LifecycleEvent, TicketEvent])
  .openapi('Event');
export type Event = z.infer<typeof Event>;

export const Batch = z.object({ batch: z.array(Event).min(1).max(MAX_BATCH) }).openapi('Batch');

export const IngestBody = z.union([Event, Batch]);

export const IngestResult = z
  .object({
    accepted: z.number().int().openapi({ description: 'Events stored (direct mode) or durably queued (queue mode)' }),
    duplicates: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'Events already stored under their messageId; null in queue mode, where dedupe happens on write' }),
    queued: z.boolean().optional().openapi({ description: 'Present and true when the events were queued, not yet written' }),
  })
  .openapi('IngestResult');
