// The SPEC's metric definitions as pure functions of counts. Every rate is rounded to two
// decimals, half away from zero, and is null when its denominator is 0.

/** Surveys and the scores each takes (integers, both ends included). */
export const SURVEYS = ['nps', 'csat', 'ces'] as const;
export const SCORE_RANGE: Record<(typeof SURVEYS)[number], readonly [number, number]> = { nps: [0, 10], csat: [1, 5], ces: [1, 7] };

/** The dimensions every metric is broken down by ('all': the whole workspace). */
export type Dim = 'all' | 'touchpoint' | 'channel' | 'stage' | 'segment';

export type Additive = {
  npsPromoters: number;
  npsPassives: number;
  npsDetractors: number;
  csatResponses: number;
  csatSatisfied: number;
  cesResponses: number;
  cesSum: number;
  cesEasy: number;
  cesSq: number;
  intCount: number;
  intSuccess: number;
  intFailure: number;
  intAbandoned: number;
  intNegative: number;
  sentSum: number;
  sentCount: number;
  valueCount: number;
  valueSum: number;
};

export const ADDITIVE_FIELDS: (keyof Additive)[] = [
  'npsPromoters', 'npsPassives', 'npsDetractors', 'csatResponses', 'csatSatisfied', 'cesResponses', 'cesSum',
  'cesEasy', 'cesSq', 'intCount', 'intSuccess', 'intFailure', 'intAbandoned', 'intNegative', 'sentSum', 'sentCount',
  'valueCount', 'valueSum',
];

/** The daily_metrics column of each additive count. */
export const ADDITIVE_COLUMNS: Record<keyof Additive, string> = {
  npsPromoters: 'nps_promoters', npsPassives: 'nps_passives', npsDetractors: 'nps_detractors',
  csatResponses: 'csat_responses', csatSatisfied: 'csat_satisfied', cesResponses: 'ces_responses', cesSum: 'ces_sum',
  cesEasy: 'ces_easy', cesSq: 'ces_sq', intCount: 'int_count', intSuccess: 'int_success', intFailure: 'int_failure',
  intAbandoned: 'int_abandoned', intNegative: 'int_negative', sentSum: 'sent_sum', sentCount: 'sent_count',
  valueCount: 'value_count', valueSum: 'value_sum',
};

export const zeroAdditive = (): Additive => Object.fromEntries(ADDITIVE_FIELDS.map((f) => [f, 0])) as Additive;

export type Lifecycle = { start: number; end: number; churned: number; new: number };
export const noLifecycle = (): Lifecycle => ({ start: 0, end: 0, churned: 0, new: 0 });
export type Tickets = {
  received: number;
  resolved: number;
  medianFirstResponseMinutes: number | null;
  p90FirstResponseMinutes: number | null;
  awaitingFirstResponse: number;
};
export const noTickets = (): Tickets => ({
  received: 0,
  resolved: 0,
  medianFirstResponseMinutes: null,
  p90FirstResponseMinutes: null,
  awaitingFirstResponse: 0,
});
// slaMet of slaDecided: cases with an SLA closed by their due time, of those closed or past due.
export type Loop = { cases: number; closed: number; medianHoursToClose: number | null; overdue: number; slaMet: number; slaDecided: number };
export const noLoop = (): Loop => ({ cases: 0, closed: 0, medianHoursToClose: null, overdue: 0, slaMet: 0, slaDecided: 0 });

export type Metrics = {
  nps: { score: number | null; responses: number; promoters: number; passives: number; detractors: number };
  csat: { score: number | null; responses: number; satisfied: number };
  ces: { score: number | null; responses: number; easyRate: number | null };
  churn: { rate: number | null; churned: number; customersAtStart: number } | null;
  retention: { rate: number | null; customersAtStart: number; customersAtEnd: number; newCustomers: number } | null;
  resolution: { rate: number | null } & Tickets;
  loop: { cases: number; closed: number; closedRate: number | null; medianHoursToClose: number | null; overdue: number; withinSlaRate: number | null };
  interactions: {
    count: number;
    customers: number;
    success: number;
    failure: number;
    abandoned: number;
    meanSentiment: number | null;
    negativeRate: number | null;
  };
  /** Only where interactions of the period carry a `value` (null otherwise). byNpsGroup: filled by the reports that can (summary, breakdown by segment). */
  value: {
    total: number;
    perCustomer: number | null;
    byNpsGroup: Record<'promoters' | 'passives' | 'detractors', { customers: number; perCustomer: number | null }> | null;
  } | null;
};

/** Rounds to 2 decimals, half away from zero. */
export function round2(x: number): number {
  const r = Math.round(Math.abs(x) * 100 + 1e-9) / 100;
  return x < 0 ? -r : r;
}

/** 100 × num / den rounded to 2 decimals, exact for integer inputs; null when den is 0. */
export function percent(num: number, den: number): number | null {
  if (den === 0) return null;
  const scaled = (10000 * Math.abs(num)) / den; // exact enough: integers up to 2^53 / 10^4
  const r = Math.round(scaled) / 100;
  return num < 0 ? -r : r;
}

export const mean = (sum: number, count: number): number | null => (count === 0 ? null : round2(sum / count));

/** Nearest rank: the smallest value with at least p% of the values at or below it. */
export function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  return round2(s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]);
}

export function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return round2(s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2);
}

/** The loop section of a metric set. */
export const loopOut = (loop: Loop): Metrics['loop'] => ({
  cases: loop.cases,
  closed: loop.closed,
  closedRate: percent(loop.closed, loop.cases),
  medianHoursToClose: loop.medianHoursToClose,
  overdue: loop.overdue,
  withinSlaRate: percent(loop.slaMet, loop.slaDecided),
});

/** Builds the SPEC's metrics object. Churn and retention are null where they do not apply (non-segment breakdowns). */
export function buildMetrics(a: Additive, customers: number, life: Lifecycle | null, tickets: Tickets, loop: Loop = noLoop()): Metrics {
  const npsResponses = a.npsPromoters + a.npsPassives + a.npsDetractors;
  return {
    nps: {
      score: percent(a.npsPromoters - a.npsDetractors, npsResponses),
      responses: npsResponses,
      promoters: a.npsPromoters,
      passives: a.npsPassives,
      detractors: a.npsDetractors,
    },
    csat: { score: percent(a.csatSatisfied, a.csatResponses), responses: a.csatResponses, satisfied: a.csatSatisfied },
    ces: { score: mean(a.cesSum, a.cesResponses), responses: a.cesResponses, easyRate: percent(a.cesEasy, a.cesResponses) },
    churn: life && { rate: percent(life.churned, life.start), churned: life.churned, customersAtStart: life.start },
    retention: life && {
      rate: percent(life.end - life.new, life.start),
      customersAtStart: life.start,
      customersAtEnd: life.end,
      newCustomers: life.new,
    },
    resolution: {
      rate: percent(tickets.resolved, tickets.received),
      received: tickets.received,
      resolved: tickets.resolved,
      medianFirstResponseMinutes: tickets.medianFirstResponseMinutes,
      p90FirstResponseMinutes: tickets.p90FirstResponseMinutes,
      awaitingFirstResponse: tickets.awaitingFirstResponse,
    },
    loop: loopOut(loop),
    interactions: {
      count: a.intCount,
      customers,
      success: a.intSuccess,
      failure: a.intFailure,
      abandoned: a.intAbandoned,
      meanSentiment: mean(a.sentSum, a.sentCount),
      negativeRate: percent(a.intNegative, a.intCount),
    },
    value: a.valueCount > 0 ? { total: round2(a.valueSum), perCustomer: customers ? round2(a.valueSum / customers) : null, byNpsGroup: null } : null,
  };
}
