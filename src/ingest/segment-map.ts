// What a Segment call becomes: the workspace's rule for its name first, then the documented
// conventions, else nothing (the name is then counted as unmapped). The events produced are
// validated by the same schema as /v1/events, so both doors store the same things.
import type { FieldError } from '../platform/problem.ts';
import { zodErrors } from '../platform/problem.ts';
import { SURVEYS } from '../metrics/definitions.ts';
import { Event, OUTCOMES } from './event-schema.ts';
import type { MappingRule, SegmentCall } from './segment-schema.ts';

type Props = Record<string, unknown>;
/** A call whose messageId and timestamp are settled (see segment-ingest.ts). */
export type ReadyCall = SegmentCall & { messageId: string; timestamp: string; traitsMessageId: string };
export type MapResult = { events: Event[]; unmapped: string[]; errors: FieldError[] };

// Maps, not object literals: a client's event may be called `__proto__` or `constructor`.
const TICKET_EVENTS = new Map([['Ticket Opened', 'opened'], ['Ticket Responded', 'responded'], ['Ticket Resolved', 'resolved'], ['Ticket Reopened', 'reopened']] as const);
const LIFECYCLE_EVENTS = new Map([['Signed Up', 'started'], ['Subscription Started', 'started'], ['Subscription Cancelled', 'churned']] as const);

/** A property the client sent (never one inherited from Object.prototype). */
const prop = (props: Props, name: string) => (Object.hasOwn(props, name) ? props[name] : undefined);

/** The names a call's rule may be stored under, most specific first. */
export function ruleNames(call: SegmentCall): string[] {
  if (call.type === 'track') return [call.event];
  if (call.type === 'page' || call.type === 'screen') return call.name ? [`${call.type}:${call.name}`, call.type] : [call.type];
  return [];
}

/** The name an unmapped call is listed under. */
const unmappedName = (call: SegmentCall) => ruleNames(call)[0] ?? call.type;

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const customerOf = (call: SegmentCall) => (call.userId ?? call.anonymousId)!;

/** Where a field of the produced event came from in the call, for error paths. */
type Made = { event: Record<string, unknown>; from: Record<string, string> };

function fromRule(call: ReadyCall, rule: MappingRule, props: Props): Made | null {
  const base = { messageId: call.messageId, customerId: customerOf(call), timestamp: call.timestamp };
  switch (rule.type) {
    case 'ignore':
      return null;
    case 'interaction': {
      const outcome = rule.outcome ?? ((OUTCOMES as readonly string[]).includes(props.outcome as string) ? props.outcome : undefined);
      return { event: { type: 'interaction', ...base, touchpoint: rule.touchpoint, channel: rule.channel, outcome, properties: props }, from: {} };
    }
    case 'response':
      return {
        event: { type: 'response', ...base, survey: rule.survey, score: prop(props, rule.scoreProperty), touchpoint: rule.touchpoint ?? str(props.touchpoint), comment: str(props.comment) },
        from: { score: `properties.${rule.scoreProperty}` },
      };
    case 'lifecycle':
      return { event: { type: 'lifecycle', ...base, status: rule.status }, from: {} };
    case 'ticket':
      return {
        event: { type: 'ticket', ...base, ticketId: str(prop(props, rule.ticketIdProperty)), status: rule.status, touchpoint: rule.touchpoint ?? str(props.touchpoint), channel: str(props.channel) },
        from: { ticketId: `properties.${rule.ticketIdProperty}` },
      };
  }
}

/** The documented conventions for track calls without a rule. */
function conventionFor(call: ReadyCall & { type: 'track' }): MappingRule | null {
  const props = call.properties ?? {};
  const survey = typeof props.survey === 'string' ? props.survey.toLowerCase() : undefined;
  // Only our three surveys: a "Survey Responded" of another tool stays unmapped rather than failing the batch.
  if (call.event === 'Survey Responded' && survey && (SURVEYS as readonly string[]).includes(survey)) {
    return { type: 'response', survey: survey as 'nps', scoreProperty: 'score' };
  }
  const lifecycle = LIFECYCLE_EVENTS.get(call.event as never);
  if (lifecycle) return { type: 'lifecycle', status: lifecycle };
  const ticket = TICKET_EVENTS.get(call.event as never);
  if (ticket) return { type: 'ticket', status: ticket, ticketIdProperty: 'ticketId' };
  return null;
}

const FIELD_PATHS: Record<string, string> = {
  customerId: 'userId',
  segment: 'traits.segment',
  survey: 'properties.survey',
  comment: 'properties.comment',
  touchpoint: 'properties.touchpoint',
  channel: 'properties.channel',
};

/** Validates a made event as /v1/events would; errors point into the Segment call. */
function check(made: Made, at: string, errors: FieldError[]): Event | null {
  const result = Event.safeParse(made.event);
  if (result.success) return result.data;
  for (const e of zodErrors(result.error.issues)) {
    const [field, ...rest] = e.path.split('.');
    const path = [made.from[field] ?? FIELD_PATHS[field] ?? field, ...rest].join('.');
    errors.push({ path: at ? `${at}.${path}` : path, message: e.message });
  }
  return null;
}

/** The identify that `traits` (identify) or `context.traits` with a segment (any call) carry. */
function identifyOf(call: ReadyCall): Made | null {
  const context = call.context?.traits;
  const own = call.type === 'identify' ? call.traits : undefined;
  if (call.type !== 'identify' && context?.segment === undefined) return null;
  const traits = { ...context, ...own };
  const segment = str(traits.segment);
  const messageId = call.type === 'identify' ? call.messageId : call.traitsMessageId;
  const event = { type: 'identify', messageId, customerId: customerOf(call), timestamp: call.timestamp, segment, traits: Object.keys(traits).length ? traits : undefined };
  return { event, from: own?.segment !== undefined ? {} : { segment: 'context.traits.segment', traits: 'context.traits' } };
}

/**
 * Maps calls (`paths[i]` is where call i sits in the request, for errors). An invalid result
 * is an error, not an unmapped call: the request is then refused whole, as on /v1/events.
 */
export function mapCalls(calls: ReadyCall[], rules: Map<string, MappingRule>, paths: string[]): MapResult {
  const out: MapResult = { events: [], unmapped: [], errors: [] };
  calls.forEach((call, i) => {
    const made: Made[] = [];
    const identify = identifyOf(call);
    if (identify) made.push(identify);
    if (call.type !== 'identify') {
      const name = ruleNames(call).find((n) => rules.has(n));
      const rule = name ? rules.get(name)! : call.type === 'track' ? conventionFor(call) : null;
      const props: Props = ('properties' in call ? (call.properties as Props | undefined) : undefined) ?? {};
      const event = rule ? fromRule(call, rule, props) : null;
      if (event) made.push(event);
      else if (!rule) out.unmapped.push(unmappedName(call));
    }
    for (const m of made) {
      const e = check(m, paths[i], out.errors);
      if (e) out.events.push(e);
    }
  });
  return out;
}
