import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { SCOPES } from '../env.ts';
import { SURVEYS } from '../metrics/definitions.ts';

export const CHANNELS = ['web', 'mobile', 'store', 'email', 'phone', 'chat', 'social', 'other'] as const;

// No foreign keys with ON DELETE CASCADE: SQLite table rebuilds in later migrations
// would wipe child rows. Children are deleted explicitly by the services.

export const workspaces = sqliteTable('workspaces', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  timezone: text('timezone').notNull().default('UTC'),
  // Who gets follow-up cases at touchpoints without an owner (unconfigured ones).
  defaultOwner: text('default_owner'),
  // ISO 4217 code of the money in interactions' `value`.
  currency: text('currency').notNull().default('EUR'),
  createdAt: integer('created_at').notNull(),
});

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    scope: text('scope', { enum: SCOPES }).notNull(),
    // SHA-256 (hex) of the key's secret part; the key itself is never stored.
    secretHash: text('secret_hash').notNull(),
    createdAt: integer('created_at').notNull(),
    revokedAt: integer('revoked_at'),
  },
  (t) => [index('api_keys_workspace').on(t.workspaceId)],
);

export const stages = sqliteTable(
  'stages',
  {
    workspaceId: text('workspace_id').notNull(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    position: integer('position').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.key] })],
);

export const touchpoints = sqliteTable(
  'touchpoints',
  {
    workspaceId: text('workspace_id').notNull(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    stage: text('stage').notNull(),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    intentional: integer('intentional', { mode: 'boolean' }).notNull(),
    owner: text('owner').notNull(),
    critical: integer('critical', { mode: 'boolean' }).notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.key] })],
);

// WITHOUT ROWID (migration 0017, by hand): one B-tree ordered by the key, so a new customer is
// one row written, not two (the table and its primary-key index).
export const customers = sqliteTable(
  'customers',
  {
    workspaceId: text('workspace_id').notNull(),
    customerId: text('customer_id').notNull(),
    segment: text('segment'),
    // The segment the rolled-up days count this customer under. Only the rollup's cascade
    // changes it, together with moving the customer's counts (src/rollup/segment-moves.ts), so
    // that a segment change moves that customer's contribution and re-reads no one else's.
    rolledSegment: text('rolled_segment'),
    traits: text('traits'),
    // Timestamp (ms) of the identify that set segment/traits: a late, older identify
    // must not overwrite a newer one.
    identifiedAt: integer('identified_at'),
    firstSeenAt: integer('first_seen_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.customerId] })],
);

/**
 * Every accepted event, all types in one table so that messageId is unique per workspace.
 * `WITHOUT ROWID` keyed by (workspace, messageId) (migration 0023, by hand): the key is the
 * dedupe, so an event is one row written and nothing else but the partial indexes of tickets and
 * lifecycle events. A day's events are reached through `event_days` (the view `events_by_day`).
 */
export const events = sqliteTable(
  'events',
  {
    // From `sequences` ('events'), bumped in the ingest batch: increasing in commit order, never reused.
    seq: integer('seq').notNull(),
    workspaceId: text('workspace_id').notNull(),
    messageId: text('message_id').notNull(),
    type: text('type', { enum: ['identify', 'interaction', 'response', 'lifecycle', 'ticket'] }).notNull(),
    customerId: text('customer_id').notNull(),
    ts: integer('ts').notNull(),
    // Local calendar day (YYYY-MM-DD) of ts in the workspace's timezone at ingest.
    day: text('day').notNull(),
    receivedAt: integer('received_at').notNull(),
    touchpoint: text('touchpoint'),
    channel: text('channel'),
    outcome: text('outcome'),
    sentiment: real('sentiment'),
    emotion: text('emotion'),
    // What an interaction was worth, in the workspace's money (optional, ≥ 0).
    value: real('value'),
    survey: text('survey'),
    score: integer('score'),
    comment: text('comment'),
    status: text('status'),
    ticketId: text('ticket_id'),
    segment: text('segment'),
    // traits (identify) or properties (interaction), as JSON text.
    data: text('data'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.messageId] }),
    index('events_ticket').on(t.workspaceId, t.ticketId, t.ts, t.seq).where(sql`type = 'ticket'`),
    index('events_ticket_opened').on(t.workspaceId, t.ts).where(sql`type = 'ticket' AND status = 'opened'`),
    // Covering (seq, status): the lifecycle pass reads it in order and never visits the table.
    // `day` lets the rollup's lifecycle pass turn each customer's events into per-day changes.
    index('events_lifecycle').on(t.workspaceId, t.customerId, t.ts, t.seq, t.status, t.day).where(sql`type = 'lifecycle'`),
  ],
);

/**
 * Where a day's events are: one row per ingest batch, day and type (cut every 500 seqs: MAX_ROW_SEQS
 * in src/db/event-days.ts, so a row lists at most 500 ids, far below D1's 2 MB), listing the
 * messageIds with the seq range the insert gave them, which the view `events_by_day` checks so that
 * neither a duplicate a row names nor an id erased and sent again is read through it. Written in
 * the batch that stores the events (migration 0023): about 0.05 rows per event at batches of 100,
 * instead of a day index.
 */
export const eventDays = sqliteTable(
  'event_days',
  {
    workspaceId: text('workspace_id').notNull(),
    day: text('day').notNull(),
    type: text('type').notNull(),
    seq: integer('seq').notNull(),
    last: integer('last').notNull(),
    // How many ids: what the cascade's chunks and the day's slices are measured in.
    n: integer('n').notNull(),
    ids: text('ids').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.day, t.type, t.seq] })],
);

/**
 * The days on which a customer has events, noted by the batch that stores them (a row only for a
 * new pair): the way to a customer's events (segment moves, erasure) now that `events` has no
 * customer index. About 0.2 rows per event instead of 1.
 */
export const customerDays = sqliteTable(
  'customer_days',
  {
    workspaceId: text('workspace_id').notNull(),
    customerId: text('customer_id').notNull(),
    day: text('day').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.customerId, t.day] })],
);

/**
 * Days that may hold identify, lifecycle or ticket events the cascade has not seen (seq above
 * rollup_state.people_seq): ingest notes the days of every batch (a day already noted writes
 * nothing), and the cascade reads those days' people events through event_days and drops a day
 * once none is left above its cursor. Replaces an index entry per people event (migration 0022).
 */
export const peopleDays = sqliteTable(
  'people_days',
  {
    workspaceId: text('workspace_id').notNull(),
    day: text('day').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.day] })],
);

/** Counters that outlive their rows (AUTOINCREMENT's job for a rowid table): `events` → the last seq given. */
export const sequences = sqliteTable('sequences', {
  name: text('name').primaryKey(),
  last: integer('last').notNull(),
});

/**
 * Local days whose rollup is stale. `version` bumps on every mark so a rollup clears only what it
 * saw. `kind`: `full` (the day's events changed: re-aggregate it) or `people` (only who was active
 * changed: the lifecycle pass rewrites the day's churn/retention figures, nothing else).
 */
export const dirtyDays = sqliteTable(
  'dirty_days',
  {
    workspaceId: text('workspace_id').notNull(),
    day: text('day').notNull(),
    version: integer('version').notNull().default(1),
    kind: text('kind', { enum: ['full', 'people'] }).notNull().default('full'),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.day] })],
);

// ---- Rollup tables (rebuilt per workspace × local day; see src/rollup/day.ts) ----

/** Additive daily counts per dimension value (dim `all` has key ''; '' also stands for "none"). */
// WITHOUT ROWID (migration 0017, by hand), like daily_customers: each rollup row is one row written.
export const dailyMetrics = sqliteTable(
  'daily_metrics',
  {
    workspaceId: text('workspace_id').notNull(),
    day: text('day').notNull(),
    // all | touchpoint | channel | stage | segment, and the journey's compound seg_tp, seg_tp_emo.
    dim: text('dim').notNull(),
    key: text('key').notNull(),
    npsPromoters: integer('nps_promoters').notNull().default(0),
    npsPassives: integer('nps_passives').notNull().default(0),
    npsDetractors: integer('nps_detractors').notNull().default(0),
    csatResponses: integer('csat_responses').notNull().default(0),
    csatSatisfied: integer('csat_satisfied').notNull().default(0),
    cesResponses: integer('ces_responses').notNull().default(0),
    cesSum: integer('ces_sum').notNull().default(0),
    cesEasy: integer('ces_easy').notNull().default(0),
    // Sum of squared CES scores: with ces_sum and ces_responses, the variance of any range.
    cesSq: integer('ces_sq').notNull().default(0),
    // Interactions that carry a value, and the sum of their values.
    valueCount: integer('value_count').notNull().default(0),
    valueSum: real('value_sum').notNull().default(0),
    intCount: integer('int_count').notNull().default(0),
    intSuccess: integer('int_success').notNull().default(0),
    intFailure: integer('int_failure').notNull().default(0),
    intAbandoned: integer('int_abandoned').notNull().default(0),
    intNegative: integer('int_negative').notNull().default(0),
    sentSum: real('sent_sum').notNull().default(0),
    sentCount: integer('sent_count').notNull().default(0),
    // Not additive across days: this day's own lifecycle and ticket figures, for the daily report.
    custStart: integer('cust_start'),
    custEnd: integer('cust_end'),
    custChurned: integer('cust_churned'),
    custNew: integer('cust_new'),
    tkReceived: integer('tk_received'),
    tkResolved: integer('tk_resolved'),
    tkFirstResponseMedian: real('tk_first_response_median'),
    tkFirstResponseP90: real('tk_first_response_p90'),
    tkAwaiting: integer('tk_awaiting'),
    loopCases: integer('loop_cases'),
    loopClosed: integer('loop_closed'),
    loopMedianHours: real('loop_median_hours'),
    // SLA figures of the day's cases (withinSlaRate = sla_met / sla_decided).
    loopOverdue: integer('loop_overdue'),
    loopSlaMet: integer('loop_sla_met'),
    loopSlaDecided: integer('loop_sla_decided'),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.day, t.dim, t.key] })],
);

/**
 * Distinct interacting customers per day: one row per (day, customer) with the segment they had
 * when the day rolled up and `touches`, the sorted JSON array of the [touchpoint, channel, stage]
 * they interacted at. Every dimension's distinct count (all, touchpoint, channel, stage, segment
 * and the journey's segment × stage × channel) is a COUNT(DISTINCT customer_id) over these rows
 * (expanded by `touches` for the touchpoint ones). Migration 0021 (by hand, WITHOUT ROWID) folds
 * the former rows per (day, touchpoint, channel, customer): D1 bills one row written per customer
 * and day instead of one per place they interacted.
 */
export const dailyCustomers = sqliteTable(
  'daily_customers',
  {
    workspaceId: text('workspace_id').notNull(),
    day: text('day').notNull(),
    customerId: text('customer_id').notNull(),
    touches: text('touches').notNull(),
    segment: text('segment').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.day, t.customerId] })],
);

export const rollupState = sqliteTable('rollup_state', {
  workspaceId: text('workspace_id').primaryKey(),
  // Highest events.seq of identify/lifecycle/ticket events already turned into dirty days.
  peopleSeq: integer('people_seq').notNull().default(0),
  // Last local day that was marked for its first rollup once complete.
  rolledThrough: text('rolled_through'),
  // Bumped on every rebuild; report keys in KV carry it, so stale copies are never read.
  reportGen: integer('report_gen').notNull().default(0),
  // Unused since the drain and rollup runs (rollup_runs); kept so that old databases migrate
  // without a table rebuild.
  lastRunAt: integer('last_run_at').notNull().default(0),
  backfillRange: text('backfill_range'),
  // Earliest local day of late lifecycle events not yet turned into `people` marks: ingest sets
  // it in the same batch as the events, so reports count those days as pending at once.
  peopleFrom: text('people_from'),
  // History floor: no day before it is rolled up, so no single event can mark years of days.
  // Null: the workspace's creation day minus 366 days. Admins move it (imports of older history).
  historyFrom: text('history_from'),
  // The drain (a Workflow instance per workspace): `drain_open` while one is live, `drain_seq`
  // names it (instance ids are never reused), `drain_started_at` lets the cron spot a dead one.
  drainSeq: integer('drain_seq').notNull().default(0),
  drainOpen: integer('drain_open').notNull().default(0),
  drainStartedAt: integer('drain_started_at').notNull().default(0),
  // Moves on whenever rolled-up rows or the raw events behind the period facts change (a day's
  // rollup, a segment move, an erasure), never in the lifecycle pass: a rebuild reuses the facts
  // kept under the same value (src/publish/fact-store.ts), so a late lifecycle event recomputes
  // only who was active.
  factsGen: integer('facts_gen').notNull().default(0),
});

/** Rollup runs asked for with POST /v1/rollups; the drain does their days first. */
export const rollupRuns = sqliteTable(
  'rollup_runs',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    fromDay: text('from_day').notNull(),
    toDay: text('to_day').notNull(),
    days: integer('days').notNull(),
    // queued | running | done | failed
    status: text('status').notNull(),
    error: text('error'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('rollup_runs_live').on(t.workspaceId, t.status, t.createdAt)],
);

// ---- Closed loop ----

export const alertRules = sqliteTable(
  'alert_rules',
  {
    workspaceId: text('workspace_id').notNull(),
    key: text('key').notNull(),
    survey: text('survey', { enum: SURVEYS }),
    maxScore: integer('max_score'),
    outcome: text('outcome', { enum: ['failure', 'abandoned'] }),
    criticalOnly: integer('critical_only', { mode: 'boolean' }).notNull().default(false),
    // Hours an owner has before the case is overdue and escalated (null: no SLA).
    slaHours: integer('sla_hours'),
    // Who an overdue case goes to (null: the workspace's defaultOwner).
    escalateTo: text('escalate_to'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.key] })],
);

export const webhooks = sqliteTable('webhooks', {
  workspaceId: text('workspace_id').primaryKey(),
  url: text('url').notNull(),
  // Kept readable: it signs every delivery. Shown to the admin once, when set.
  secret: text('secret').notNull(),
  createdAt: integer('created_at').notNull(),
  // The secret before the last rotation, which still signs (beside the new one) until then.
  previousSecret: text('previous_secret'),
  previousSecretUntil: integer('previous_secret_until'),
  // Set when the receiver answered 410 Gone: nothing more is delivered until PUT again.
  disabledAt: integer('disabled_at'),
});

export const cases = sqliteTable(
  'cases',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    customerId: text('customer_id').notNull(),
    touchpoint: text('touchpoint'),
    owner: text('owner').notNull(),
    rule: text('rule').notNull(),
    messageId: text('message_id').notNull(),
    status: text('status', { enum: ['open', 'resolved'] }).notNull(),
    // The triggering event's time: the case is received as a ticket at that instant.
    openedAt: integer('opened_at').notNull(),
    resolvedAt: integer('resolved_at'),
    note: text('note'),
    // When the case was received plus its rule's SLA; null when the rule has none.
    dueAt: integer('due_at'),
    // Set once, by the single conditional UPDATE that escalates an overdue case.
    escalatedAt: integer('escalated_at'),
    // Why it happened, from the workspace's root causes (required to close once it has any).
    rootCause: text('root_cause'),
  },
  (t) => [
    uniqueIndex('cases_message').on(t.workspaceId, t.messageId),
    // The cron's sweep across workspaces: open, not yet escalated, by due time.
    index('cases_due').on(t.dueAt).where(sql`status = 'open' AND escalated_at IS NULL AND due_at IS NOT NULL`),
    index('cases_status').on(t.workspaceId, t.status, t.openedAt),
    index('cases_opened').on(t.workspaceId, t.openedAt),
    index('cases_customer').on(t.workspaceId, t.customerId),
  ],
);

export const deliveries = sqliteTable(
  'deliveries',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    caseId: text('case_id').notNull(),
    // The Standard Webhooks event type: at most one delivery per case and type.
    type: text('type', { enum: ['case.opened', 'case.overdue', 'case.resolved', 'alert.triggered'] }).notNull().default('case.opened'),
    status: text('status', { enum: ['pending', 'delivered', 'dead', 'cancelled'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    // The exact bytes signed and sent, fixed at the first attempt so retries resend them.
    payload: text('payload'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('deliveries_case_type').on(t.caseId, t.type),
    index('deliveries_workspace').on(t.workspaceId, t.createdAt),
    // The cron's sweep for deliveries whose enqueue failed (never attempted): it reads only
    // those, not every delivery of every workspace ever made. A row leaves it at its first attempt.
    index('deliveries_stranded').on(t.createdAt).where(sql`status = 'pending' AND attempts = 0`),
  ],
);

/** Why cases happen (the outer loop): a closed case names one, once a workspace has any. */
export const rootCauses = sqliteTable(
  'root_causes',
  {
    workspaceId: text('workspace_id').notNull(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.key] })],
);

/**
 * Metric alerts: a metric over a standard period crossing a threshold with its whole 95%
 * interval opens one case; `state` stops it opening another until the metric recovers.
 */
export const metricAlerts = sqliteTable(
  'metric_alerts',
  {
    workspaceId: text('workspace_id').notNull(),
    key: text('key').notNull(),
    metric: text('metric', { enum: ['nps', 'csat', 'churn', 'resolution', 'closedRate'] }).notNull(),
    touchpoint: text('touchpoint'),
    segment: text('segment'),
    direction: text('direction', { enum: ['below', 'above'] }).notNull(),
    threshold: real('threshold').notNull(),
    period: text('period', { enum: ['7d', '30d', '90d'] }).notNull(),
    state: text('state', { enum: ['recovered', 'triggered'] }).notNull().default('recovered'),
    // How many times it triggered: the n-th trigger's case has message id metric-alert:<key>:<n>.
    triggers: integer('triggers').notNull().default(0),
    lastValue: real('last_value'),
    changedAt: integer('changed_at'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.key] })],
);

/** A case's history: assignments, escalations, notes and status changes, in `seq` order. */
export const caseEvents = sqliteTable(
  'case_events',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    workspaceId: text('workspace_id').notNull(),
    caseId: text('case_id').notNull(),
    at: integer('at').notNull(),
    kind: text('kind', { enum: ['opened', 'assigned', 'escalated', 'note', 'status'] }).notNull(),
    fromValue: text('from_value'),
    toValue: text('to_value'),
    note: text('note'),
    // Set for events that must be recorded once whatever the retries (an escalation).
    once: text('once'),
  },
  (t) => [index('case_events_case').on(t.workspaceId, t.caseId, t.seq), uniqueIndex('case_events_once').on(t.once)],
);

export const deliveryAttempts = sqliteTable(
  'delivery_attempts',
  {
    deliveryId: text('delivery_id').notNull(),
    attempt: integer('attempt').notNull(),
    at: integer('at').notNull(),
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [primaryKey({ columns: [t.deliveryId, t.attempt] })],
);

// ---- Queue-buffered ingestion ----

// Ingest messages whose writes failed through every retry: kept for the operator to inspect
// and replay, never dropped. Erasure deletes a customer's rows here too.
export const ingestDeadLetters = sqliteTable(
  'ingest_dead_letters',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    body: text('body').notNull(),
    attempts: integer('attempts').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [index('ingest_dead_letters_workspace').on(t.workspaceId, t.at)],
);

// ---- Dashboard ----

// Sessions signed out before they expired: the signed cookie alone would stay valid until its
// expiry, so sign-out records its id here and every page view checks it. Rows go once expired.
export const endedSessions = sqliteTable('ended_sessions', {
  sid: text('sid').primaryKey(),
  expiresAt: integer('expires_at').notNull(),
});

// Erasures, so that queue-mode messages accepted before an erasure but written after it do not
// bring the customer back. A row is kept as long as such a message could still arrive.
export const erasedCustomers = sqliteTable(
  'erased_customers',
  {
    workspaceId: text('workspace_id').notNull(),
    customerId: text('customer_id').notNull(),
    erasedAt: integer('erased_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.customerId] })],
);

// ---- Segment-compatible ingestion ----

// Per-workspace rules that say what a Segment call (by name: a track event, `page:<name>`,
// `page`, `screen:<name>`, `screen`) becomes; the rule is JSON validated by MappingRule.
export const segmentMappings = sqliteTable(
  'segment_mappings',
  {
    workspaceId: text('workspace_id').notNull(),
    name: text('name').notNull(),
    rule: text('rule').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.name] })],
);

// Calls that mapped to nothing, counted per name so the admin can map them.
export const segmentUnmapped = sqliteTable(
  'segment_unmapped',
  {
    workspaceId: text('workspace_id').notNull(),
    name: text('name').notNull(),
    count: integer('count').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.name] })],
);

// The Segment Webhooks destination of a workspace: a public source id names it in the URL,
// the shared secret (encrypted at rest: HMAC verification needs it in clear) signs each call.
export const segmentSources = sqliteTable(
  'segment_sources',
  {
    workspaceId: text('workspace_id').primaryKey(),
    sourceId: text('source_id').notNull(),
    secretSealed: text('secret_sealed').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('segment_sources_source').on(t.sourceId)],
);

// ---- Voice of the customer ----

// Themes a workspace looks for in survey comments. Terms are matched on words (see
// src/insights/matching.ts); polarity says which quadrant of the empathy map a theme feeds.
export const themes = sqliteTable(
  'themes',
  {
    workspaceId: text('workspace_id').notNull(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    // JSON {es: string[], en: string[]}, validated and bounded by the route.
    terms: text('terms').notNull(),
    polarity: text('polarity', { enum: ['negative', 'positive', 'neutral'] }).notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.key] })],
);

// ---- What customers say, per rolled-up day (src/insights/theme-counts.ts) ----
// WITHOUT ROWID (migration 0015, by hand: drizzle-kit cannot express it). Keys lead with
// (workspace, day): the rollup replaces a day's rows and the reports read a range of days.

/** Comments mentioning a theme per touchpoint × segment × NPS group; theme '' counts every comment. */
export const dailyThemes = sqliteTable(
  'daily_themes',
  {
    workspaceId: text('workspace_id').notNull(),
    day: text('day').notNull(),
    theme: text('theme').notNull(),
    touchpoint: text('touchpoint').notNull(),
    segment: text('segment').notNull(),
    // promoter | passive | detractor, '' for csat and ces responses.
    npsGroup: text('nps_group').notNull(),
    mentions: integer('mentions').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.day, t.theme, t.touchpoint, t.segment, t.npsGroup] })],
);

/** The newest comments per theme (and, for theme '', per segment × touchpoint), masked. */
export const dailyThemeQuotes = sqliteTable(
  'daily_theme_quotes',
  {
    workspaceId: text('workspace_id').notNull(),
    day: text('day').notNull(),
    theme: text('theme').notNull(),
    // The response event's seq: erasure deletes a customer's quotes by it.
    seq: integer('seq').notNull(),
    ts: integer('ts').notNull(),
    segment: text('segment').notNull(),
    touchpoint: text('touchpoint').notNull(),
    survey: text('survey').notNull(),
    score: integer('score').notNull(),
    text: text('text').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.day, t.theme, t.seq] })],
);

/** The day's most frequent words that no theme covers (comments containing each). */
export const dailyTerms = sqliteTable(
  'daily_terms',
  {
    workspaceId: text('workspace_id').notNull(),
    day: text('day').notNull(),
    term: text('term').notNull(),
    mentions: integer('mentions').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.day, t.term] })],
);
