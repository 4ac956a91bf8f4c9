// Segment's HTTP Tracking API calls (segment.com/docs/connections/sources/catalog/libraries/server/http-api)
// and the per-workspace rules that map them onto Trayecto's events.
import { z } from '@hono/zod-openapi';
import { Channel, Key } from '../platform/openapi.ts';
import { SURVEYS } from '../metrics/definitions.ts';
import { LIFECYCLE_STATUSES, MAX_BATCH, OUTCOMES, TICKET_STATUSES } from './event-schema.ts';

/** Segment's limits: 32 KB per call, 500 KB per batch request. */
export const MAX_CALL_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;

const Obj = z.record(z.string().max(200), z.unknown());
const Instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with an offset or Z' });
// Segment takes numeric ids and uses them as strings.
const Id = z.union([z.string().min(1).max(200), z.number().transform(String)]);

const common = {
  messageId: z.string().min(1).max(100).optional().openapi({ description: 'Dedupes with /v1/events; generated when missing' }),
  userId: Id.optional(),
  anonymousId: Id.optional(),
  timestamp: Instant.optional(),
  sentAt: Instant.optional(),
  context: z.looseObject({ traits: Obj.optional() }).optional(),
};

const withCustomer = <T extends z.ZodType<{ userId?: string; anonymousId?: string }>>(schema: T) =>
  schema.refine((c) => c.userId !== undefined || c.anonymousId !== undefined, { path: ['userId'], message: 'a call needs a userId or an anonymousId' });

const Name = z.string().min(1).max(200);

export const IdentifyCall = z.looseObject({ type: z.literal('identify'), ...common, traits: Obj.optional() });
export const TrackCall = z.looseObject({ type: z.literal('track'), ...common, event: Name, properties: Obj.optional() });
export const PageCall = z.looseObject({ type: z.literal('page'), ...common, name: Name.optional(), category: z.string().max(200).optional(), properties: Obj.optional() });
export const ScreenCall = z.looseObject({ type: z.literal('screen'), ...common, name: Name.optional(), category: z.string().max(200).optional(), properties: Obj.optional() });
// Accepted so a batch from a full SDK goes through; they map to nothing and are listed as unmapped.
const GroupCall = z.looseObject({ type: z.literal('group'), ...common, groupId: Id.optional(), traits: Obj.optional() });
const AliasCall = z.looseObject({ type: z.literal('alias'), ...common, previousId: Id.optional() });

export const SegmentCall = withCustomer(z.discriminatedUnion('type', [IdentifyCall, TrackCall, PageCall, ScreenCall, GroupCall, AliasCall])).openapi(
  'SegmentCall',
);
export type SegmentCall = z.infer<typeof SegmentCall>;

/** The body of /v1/track, /v1/identify, /v1/page, /v1/screen: the call, its type given by the path. */
export const singleCall = (schema: typeof IdentifyCall | typeof TrackCall | typeof PageCall | typeof ScreenCall) =>
  withCustomer(schema.extend({ type: schema.shape.type.optional(), writeKey: z.string().optional() }));

// As on /v1/events: at most 1,000 per request (the SDKs flush far sooner, at 15 by default).
export const SegmentBatch = z
  .looseObject({ batch: z.array(SegmentCall).min(1).max(MAX_BATCH), sentAt: Instant.optional(), writeKey: z.string().optional() })
  .openapi('SegmentBatch');

export const SegmentAnswer = z
  .object({
    success: z.literal(true),
    accepted: z.number().int().openapi({ description: 'Events stored (or queued)' }),
    duplicates: z.number().int().nullable().openapi({ description: 'Already stored under their messageId; null when queued' }),
    unmapped: z.number().int().openapi({ description: 'Calls that mapped to nothing: counted at GET /v1/mappings/unmapped' }),
  })
  .openapi('SegmentAnswer');

// ---- mapping rules ----

const Property = z.string().min(1).max(100);

export const MappingRule = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('interaction'),
      touchpoint: Key,
      channel: Channel.optional(),
      outcome: z.enum(OUTCOMES).optional().openapi({ description: 'Default: `properties.outcome` when it is one of these' }),
    }),
    z.strictObject({
      type: z.literal('response'),
      survey: z.enum(SURVEYS),
      scoreProperty: Property.default('score'),
      touchpoint: Key.optional().openapi({ description: 'Default: `properties.touchpoint`' }),
    }),
    z.strictObject({ type: z.literal('lifecycle'), status: z.enum(LIFECYCLE_STATUSES) }),
    z.strictObject({
      type: z.literal('ticket'),
      status: z.enum(TICKET_STATUSES),
      ticketIdProperty: Property.default('ticketId'),
      touchpoint: Key.optional().openapi({ description: 'Default: `properties.touchpoint`' }),
    }),
    z.strictObject({ type: z.literal('ignore') }).openapi({ description: 'Maps the call to nothing on purpose: not listed as unmapped' }),
  ])
  .openapi('MappingRule');
export type MappingRule = z.infer<typeof MappingRule>;

/** A mapping's name: a track event name, `page` or `screen` (every one), or `page:<name>` / `screen:<name>`. */
export const MappingName = Name;
