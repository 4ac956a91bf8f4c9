// The `events` row an event becomes, column by column, as src/services/ingest.ts (toRow +
// INSERT_EVENTS) stores it. Shared by the baseline Worker (so that it inserts exactly the
// rows Trayecto inserts) and by the rollup bulk loader (so that loaded rows look ingested).

export const COLUMNS = [
  'workspace_id', 'message_id', 'type', 'customer_id', 'ts', 'day', 'received_at', 'touchpoint', 'channel',
  'outcome', 'sentiment', 'emotion', 'survey', 'score', 'comment', 'status', 'ticket_id', 'segment', 'data',
];

const json = (v) => (v === undefined ? null : JSON.stringify(v));
const opt = (v) => (v === undefined ? null : v);

/** Column values (in COLUMNS order) of one event. */
export function rowValues(e, ws, ts, day, receivedAt) {
  const r = [ws, e.messageId, e.type, e.customerId, ts, day, receivedAt, null, null, null, null, null, null, null, null, null, null, null, null];
  switch (e.type) {
    case 'identify':
      r[17] = opt(e.segment);
      r[18] = json(e.traits);
      break;
    case 'interaction':
      r[7] = e.touchpoint;
      r[8] = opt(e.channel);
      r[9] = opt(e.outcome);
      r[10] = opt(e.sentiment);
      r[11] = opt(e.emotion);
      r[18] = json(e.properties);
      break;
    case 'response':
      r[12] = e.survey;
      r[13] = e.score;
      r[7] = opt(e.touchpoint);
      r[14] = opt(e.comment);
      break;
    case 'lifecycle':
      r[15] = e.status;
      break;
    case 'ticket':
      r[16] = e.ticketId;
      r[15] = e.status;
      r[7] = opt(e.touchpoint);
      r[8] = opt(e.channel);
      break;
  }
  return r;
}

const formatters = new Map();
/** Local day (YYYY-MM-DD) of an instant; en-CA formats dates as ISO, one call per event. */
export function localDay(ms, tz) {
  let f = formatters.get(tz);
  if (!f) formatters.set(tz, (f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f.format(ms);
}

/** First instant (epoch ms) of a local day, found by bisection over minutes (DST-safe). */
export function dayStart(day, tz) {
  const mid = Date.parse(`${day}T00:00:00Z`) / 60_000;
  let lo = mid - 15 * 60;
  let hi = mid + 15 * 60;
  while (lo < hi) {
    const m = Math.floor((lo + hi) / 2);
    if (localDay(m * 60_000, tz) >= day) hi = m;
    else lo = m + 1;
  }
  return lo * 60_000;
}

export function addDays(day, n) {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}
