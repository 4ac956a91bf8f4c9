// Demo content for Trayecto: the inventory of "Tienda Aurora" (a retailer selling online,
// through its app and in stores) and a deterministic generator of CX events.
//
// `demoEvents({ days, endDay, seed })` is pure: the same arguments always give the same
// events (same messageIds, same timestamps), so `npm start` can resume an interrupted load
// and a benchmark can reuse it. Randomness comes from a seeded PRNG, never Math.random.
// The story (the inventory, the segments) is in scripts/lib/demo-world.mjs, one customer's
// life in scripts/lib/demo-person.mjs and demo-journeys.mjs.

import { chunkBySize } from '../src/platform/chunk.ts';
import { addDays, yesterdayIn } from '../src/platform/time.ts';
import { simulate } from './lib/demo-person.mjs';
import { createRng } from './lib/rng.mjs';
import { makeCommenter } from './lib/demo-voice.mjs';
import { BASE_CUSTOMERS, CLOSE, DEFAULT_DAYS, DEFAULT_SEED, DEMO_WORKSPACE, NEW_PER_DAY, OPEN, PROSPECTS, SEGMENTS, UNCONFIGURED_TOUCHPOINTS } from './lib/demo-world.mjs';

export { DEFAULT_DAYS, DEFAULT_SEED, DEMO_WORKSPACE, STAGES, TOUCHPOINTS } from './lib/demo-world.mjs';
export { THEMES } from './lib/demo-voice.mjs';

// ---------------------------------------------------------------------------------------
// Calendar helpers (no dependence on the machine's timezone).

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

// addDays and yesterdayIn are the Worker's own (src/platform/time.ts, imported as TypeScript).
export { addDays };

/** Yesterday in `timezone`: the last complete local day. */
export function localYesterday(timezone = DEMO_WORKSPACE.timezone, now = Date.now()) {
  return yesterdayIn(timezone, now);
}

/**
 * Days the demo data touches: `from` is the CRM-import day (the day before activity
 * starts), `to` is `endDay`. Activity covers the `days` days ending `endDay`.
 */
export function demoRange({ days = DEFAULT_DAYS, endDay }) {
  checkDay(endDay);
  const firstDay = addDays(endDay, -(days - 1));
  return { from: addDays(firstDay, -1), firstDay, to: endDay };
}

function checkDay(day) {
  const m = DAY_RE.exec(String(day));
  if (!m || addDays(day, 0) !== day) throw new TypeError(`endDay must be a YYYY-MM-DD date, got ${JSON.stringify(day)}`);
}

const offsetCache = new Map();
/** UTC offset (e.g. "+01:00") of `timezone` at noon of `day`: valid for every hour after 03:00. */
function utcOffset(day, timezone) {
  const k = `${timezone}|${day}`;
  let off = offsetCache.get(k);
  if (off === undefined) {
    const name = new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: 'longOffset' })
      .formatToParts(new Date(`${day}T12:00:00Z`))
      .find((p) => p.type === 'timeZoneName').value; // "GMT+01:00" or "GMT"
    const m = /GMT([+-]\d{2}):?(\d{2})?/.exec(name);
    off = m ? `${m[1]}:${m[2] ?? '00'}` : '+00:00';
    offsetCache.set(k, off);
  }
  return off;
}

/**
 * Deterministic CX events for the demo workspace: `days` days of activity ending `endDay`
 * (YYYY-MM-DD, local to `timezone`), plus the CRM import the day before. Returns events in
 * timestamp order, ready for `POST /v1/events` (`{batch}` of up to 1,000).
 */
export function demoEvents({ days = DEFAULT_DAYS, endDay, seed = DEFAULT_SEED, timezone = DEMO_WORKSPACE.timezone } = {}) {
  checkDay(endDay);
  if (!Number.isInteger(days) || days < 1 || days > 365) throw new RangeError('days must be an integer from 1 to 365');
  const rng = createRng(`trayecto-demo:${seed}`);
  // Comments draw from their own stream: what customers write never changes what they do.
  const voice = createRng(`trayecto-demo-voice:${seed}`);
  const { from: importDay } = demoRange({ days, endDay });
  const lastIdx = days; // day index 0 is the import day; 1..days are activity days
  const dayOf = (i) => addDays(importDay, i);
  const incident = { from: Math.floor(days * 0.62), to: Math.floor(days * 0.62) + Math.max(3, Math.round(days / 10)) };

  const out = [];
  let order = 0;
  

  // A time is local minutes since the import day's midnight; events past the window are dropped.
  const emit = (t, e) => {
    const idx = Math.floor(t / 1440);
    if (idx > lastIdx || idx < 0) return false;
    const day = dayOf(idx);
    const m = t - idx * 1440;
    const hh = String(Math.floor(m / 60)).padStart(2, '0');
    const mm = String(Math.floor(m % 60)).padStart(2, '0');
    const ss = String(Math.floor((m * 60) % 60)).padStart(2, '0');
    const timestamp = `${day}T${hh}:${mm}:${ss}${utcOffset(day, timezone)}`;
    out.push({ at: Date.parse(timestamp), order: order++, event: { type: e.type, messageId: '', customerId: e.customerId, timestamp, ...e } });
    return true;
  };
  /** Moves a time forward by `minutes`, rolling out-of-hours times to the next morning. */
  const later = (t, minutes) => {
    let n = t + minutes;
    const m = n % 1440;
    if (m > CLOSE) n += 1440 - m + OPEN + rng.int(0, 90);
    else if (m < OPEN) n += OPEN - m + rng.int(0, 90);
    return n;
  };
  const at = (idx, fromMin = OPEN, toMin = CLOSE - 60) => idx * 1440 + rng.range(fromMin, toMin);

  const weekdayFactor = (idx) => [1.1, 0.95, 0.95, 1, 1, 1.1, 1.25][new Date(`${dayOf(idx)}T12:00:00Z`).getUTCDay()];

  // --- population ------------------------------------------------------------------------
  const pickSegment = () => rng.weighted(Object.entries(SEGMENTS).map(([k, v]) => [k, v.share]));
  let n = 0;
  const customers = [];
  for (let i = 0; i < BASE_CUSTOMERS; i++) customers.push({ id: `cus-${String(++n).padStart(5, '0')}`, kind: 'base', segment: pickSegment() });
  for (let idx = 1; idx <= lastIdx; idx++) {
    const joins = Math.max(0, Math.round(rng.normal(NEW_PER_DAY * weekdayFactor(idx), 2.5)));
    for (let j = 0; j < joins; j++) customers.push({ id: `cus-${String(++n).padStart(5, '0')}`, kind: 'new', segment: pickSegment(), joinIdx: idx });
  }
  for (let i = 0; i < PROSPECTS; i++) customers.push({ id: `anon-${String(i + 1).padStart(5, '0')}`, kind: 'prospect' });
  const ctx = { rng, voice, emit, later, at, comment: makeCommenter(voice), weekdayFactor, incident, lastIdx, ticketSeq: 0 };
  for (const c of customers) simulate(ctx, c);

  // Two reviews on a marketplace the inventory does not list.
  for (const [frac, sentiment, who] of [[0.35, -0.6, 'cus-00042'], [0.8, 0.5, 'cus-00117']]) {
    const idx = Math.max(1, Math.round(lastIdx * frac));
    emit(at(idx), { type: 'interaction', customerId: who, touchpoint: UNCONFIGURED_TOUCHPOINTS[0], channel: 'other', sentiment, emotion: sentiment < 0 ? 'decepción' : 'satisfacción', properties: { marketplace: 'externo', stars: sentiment < 0 ? 2 : 5 } });
  }

  out.sort((a, b) => a.at - b.at || a.order - b.order);
  const tag = String(seed).replace(/[^A-Za-z0-9]/g, '').slice(0, 20) || 'x';
  return out.map((o, i) => {
    o.event.messageId = `demo-${tag}-${String(i + 1).padStart(6, '0')}`;
    return o.event;
  });
}

/** Splits events into `{batch}` bodies of at most `maxEvents` events and `maxBytes` of JSON (the queue's own chunking). */
export function toBatches(events, { maxEvents = 1000, maxBytes = 900 * 1024 } = {}) {
  return chunkBySize(events, (e) => Buffer.byteLength(JSON.stringify(e)), maxBytes - 12, maxEvents);
}
