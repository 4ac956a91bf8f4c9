// Demo content for Trayecto: the inventory of "Tienda Aurora" (a retailer selling online,
// through its app and in stores) and a deterministic generator of CX events.
//
// `demoEvents({ days, endDay, seed })` is pure: the same arguments always give the same
// events (same messageIds, same timestamps), so `npm start` can resume an interrupted load
// and a benchmark can reuse it. Randomness comes from a seeded PRNG, never Math.random.
//
// The story the data tells (see the seeds: touchpoints, journey stages, critical moments,
// owners):
// - A base of Club Aurora members was imported from the CRM the day before the window
//   (lifecycle `started`), so churn and retention have a starting population; new members
//   join every day; anonymous prospects only touch awareness/research touchpoints.
// - `checkout-online` is clearly worse: ~17% payment failures and ~10% abandonment, with a
//   payment-gateway incident around two thirds into the window that doubles failures.
// - `phone-support` has long waits: many callers hang up, first responses take hours,
//   CES is low. Bad experiences raise the chance to churn in the following weeks.
// - Some churned members are won back by an email campaign (lifecycle `started` again).
// - `social-mention` is an unintentional touchpoint (what people post about the brand).
// - Two events name `marketplace-review`, which is not in the inventory (unconfigured).

import { chunkBySize } from '../src/platform/chunk.ts';
import { addDays, localDay } from '../src/platform/time.ts';

export const DEMO_WORKSPACE = { name: 'Demo — Tienda Aurora', timezone: 'Europe/Madrid' };

/** Journey stages, in order. Names read well in Spanish and English. */
export const STAGES = [
  { key: 'awareness', name: 'Descubrimiento · Awareness', position: 1 },
  { key: 'research', name: 'Investigación · Research', position: 2 },
  { key: 'purchase', name: 'Compra · Purchase', position: 3 },
  { key: 'use', name: 'Uso · Use', position: 4 },
  { key: 'after-sales', name: 'Posventa · After-sales', position: 5 },
];

/** The touchpoint inventory: intentional and unintentional, across every channel. */
export const TOUCHPOINTS = [
  { key: 'google-ads', name: 'Anuncios en buscadores · Search ads', stage: 'awareness', channel: 'web', intentional: true, owner: 'marketing@tiendaaurora.example', critical: false },
  { key: 'newsletter', name: 'Newsletter y campañas · Newsletter', stage: 'awareness', channel: 'email', intentional: true, owner: 'crm@tiendaaurora.example', critical: false },
  { key: 'social-mention', name: 'Menciones en redes sociales · Social media mentions', stage: 'awareness', channel: 'social', intentional: false, owner: 'Equipo de Comunidad', critical: false },
  { key: 'product-page', name: 'Ficha de producto web · Product page', stage: 'research', channel: 'web', intentional: true, owner: 'Equipo eCommerce', critical: false },
  { key: 'app-catalog', name: 'Catálogo en la app · App catalogue', stage: 'research', channel: 'mobile', intentional: true, owner: 'Equipo App Móvil', critical: false },
  { key: 'store-visit', name: 'Visita a tienda · Store visit', stage: 'research', channel: 'store', intentional: true, owner: 'Operaciones de Tienda', critical: false },
  { key: 'checkout-online', name: 'Pago online · Online checkout', stage: 'purchase', channel: 'web', intentional: true, owner: 'ecommerce@tiendaaurora.example', critical: true },
  { key: 'store-till', name: 'Caja en tienda · Store till', stage: 'purchase', channel: 'store', intentional: true, owner: 'Operaciones de Tienda', critical: true },
  { key: 'delivery-email', name: 'Aviso de envío y entrega · Delivery email', stage: 'use', channel: 'email', intentional: true, owner: 'logistica@tiendaaurora.example', critical: false },
  { key: 'order-tracking', name: 'Seguimiento del pedido en la app · Order tracking', stage: 'use', channel: 'mobile', intentional: true, owner: 'Equipo App Móvil', critical: false },
  { key: 'phone-support', name: 'Atención telefónica · Phone support', stage: 'after-sales', channel: 'phone', intentional: true, owner: 'contact-center@tiendaaurora.example', critical: true },
  { key: 'live-chat', name: 'Chat de ayuda · Live chat', stage: 'after-sales', channel: 'chat', intentional: true, owner: 'Atención al Cliente', critical: false },
  { key: 'returns-desk', name: 'Devoluciones en tienda · Returns desk', stage: 'after-sales', channel: 'store', intentional: true, owner: 'Operaciones de Tienda', critical: true },
];

/** Touchpoints that events name but the inventory lacks (they show up as unconfigured). */
export const UNCONFIGURED_TOUCHPOINTS = ['marketplace-review'];

export const DEFAULT_DAYS = 90;
export const DEFAULT_SEED = 20261124;

// ---------------------------------------------------------------------------------------
// Calendar helpers (no dependence on the machine's timezone).

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

// addDays and localDay are the Worker's own (src/platform/time.ts, imported as TypeScript).
export { addDays, localDay };

/** Yesterday in `timezone`: the last complete local day. */
export function localYesterday(timezone = DEMO_WORKSPACE.timezone, now = Date.now()) {
  return addDays(localDay(now, timezone), -1);
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

// ---------------------------------------------------------------------------------------
// Seeded PRNG (sfc32 seeded through a string hash).

function hashSeed(seed) {
  const s = String(seed);
  let h1 = 0xdeadbeef ^ s.length;
  let h2 = 0x41c6ce57 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h1 >>> 0, h2 >>> 0, (h1 ^ h2) >>> 0, (h1 + h2) >>> 0];
}

export function createRng(seed) {
  let [a, b, c, d] = hashSeed(seed);
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  const rng = {
    next,
    chance: (p) => next() < p,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    range: (min, max) => min + next() * (max - min),
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    /** `[[value, weight], …]` → a value. */
    weighted: (pairs) => {
      let total = 0;
      for (const [, w] of pairs) total += w;
      let r = next() * total;
      for (const [v, w] of pairs) if ((r -= w) < 0) return v;
      return pairs[pairs.length - 1][0];
    },
    normal: (mean, sd) => {
      const u = 1 - next();
      const v = next();
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
  return rng;
}

const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));
const round2 = (x) => Math.round(x * 100) / 100;
const sentimentOf = (x) => round2(clamp(x, -1, 1));

// ---------------------------------------------------------------------------------------
// Demo world.

const SEGMENTS = {
  retail: { share: 0.68, visit: 0.042, churn: 0.0011, mood: 0, journeys: { online: 50, store: 30, support: 12, social: 8 }, npsBase: 7.4 },
  premium: { share: 0.2, visit: 0.07, churn: 0.0005, mood: 0.3, journeys: { online: 45, store: 35, support: 14, social: 6 }, npsBase: 8.3 },
  business: { share: 0.12, visit: 0.055, churn: 0.0006, mood: 0.1, journeys: { online: 63, store: 10, support: 24, social: 3 }, npsBase: 7.8 },
};
const CITIES = ['Madrid', 'Barcelona', 'Valencia', 'Sevilla', 'Bilbao', 'Zaragoza', 'Málaga', 'Valladolid', 'A Coruña', 'Palma'];
const LOCALES = [['es-ES', 80], ['ca-ES', 8], ['en-GB', 7], ['pt-PT', 5]];
const COMPANY_SIZES = ['1-9', '10-49', '50-249', '250+'];
const BASE_CUSTOMERS = 1900;
const NEW_PER_DAY = 8;
const PROSPECTS = 350;
/** Local business hours within which events happen (minutes from midnight). */
const OPEN = 7 * 60 + 30;
const CLOSE = 23 * 60;

const COMMENTS = {
  bad: [
    'Estuve más de media hora esperando al teléfono.',
    'El pago con tarjeta falló dos veces y no sé si me han cobrado.',
    'Nadie me devolvió la llamada.',
    'La web se quedó colgada al pagar.',
    'El pedido llegó tarde y sin avisar.',
    'Too long on hold, I gave up.',
  ],
  mid: ['Correcto, sin más.', 'Bien, aunque podría ser más rápido.', 'OK overall.'],
  good: [
    'Muy amables en tienda, volveré.',
    'Rápido y sin complicaciones.',
    'El chat me lo resolvió en cinco minutos.',
    'Me encanta la app, todo muy claro.',
    'Great service, thanks!',
  ],
};

/**
 * Deterministic CX events for the demo workspace: `days` days of activity ending `endDay`
 * (YYYY-MM-DD, local to `timezone`), plus the CRM import the day before. Returns events in
 * timestamp order, ready for `POST /v1/events` (`{batch}` of up to 1,000).
 */
export function demoEvents({ days = DEFAULT_DAYS, endDay, seed = DEFAULT_SEED, timezone = DEMO_WORKSPACE.timezone } = {}) {
  checkDay(endDay);
  if (!Number.isInteger(days) || days < 1 || days > 365) throw new RangeError('days must be an integer from 1 to 365');
  const rng = createRng(`trayecto-demo:${seed}`);
  const { from: importDay } = demoRange({ days, endDay });
  const lastIdx = days; // day index 0 is the import day; 1..days are activity days
  const dayOf = (i) => addDays(importDay, i);
  const incident = { from: Math.floor(days * 0.62), to: Math.floor(days * 0.62) + Math.max(3, Math.round(days / 10)) };

  const out = [];
  let order = 0;
  let ticketSeq = 0;

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

  const comment = (score, max) => {
    if (!rng.chance(0.3)) return undefined;
    const r = score / max;
    return rng.pick(r < 0.55 ? COMMENTS.bad : r < 0.8 ? COMMENTS.mid : COMMENTS.good);
  };

  const weekdayFactor = (idx) => [1.1, 0.95, 0.95, 1, 1, 1.1, 1.25][new Date(`${dayOf(idx)}T12:00:00Z`).getUTCDay()];

  // --- one customer's life --------------------------------------------------------------
  function simulate(c) {
    const seg = SEGMENTS[c.segment ?? 'retail'];
    const s = { active: false, mood: seg.mood + rng.normal(0, 0.15), lastBad: -999, lastTouchpoint: null, winBackIdx: -1, upgradeIdx: -1 };
    const id = c.id;
    const bad = (idx, amount) => {
      s.mood = clamp(s.mood - amount, -1.5, 1);
      s.lastBad = idx;
    };
    const good = (amount) => {
      s.mood = clamp(s.mood + amount, -1.5, 1);
    };
    const interaction = (t, touchpoint, fields) => {
      if (emit(t, { type: 'interaction', customerId: id, touchpoint, ...fields })) s.lastTouchpoint = touchpoint;
    };
    const respond = (t, survey, score, touchpoint) => {
      const max = { nps: 10, csat: 5, ces: 7 }[survey];
      const text = comment(score, max);
      emit(t, { type: 'response', customerId: id, survey, score, ...(touchpoint ? { touchpoint } : {}), ...(text ? { comment: text } : {}) });
    };
    const identify = (t, segment, traits) => emit(t, { type: 'identify', customerId: id, segment, traits });
    const lifecycle = (t, status) => emit(t, { type: 'lifecycle', customerId: id, status });
    const traits = () => {
      const base = { city: rng.pick(CITIES), locale: rng.weighted(LOCALES), club: 'Club Aurora' };
      if (c.segment === 'business') return { ...base, companySize: rng.pick(COMPANY_SIZES), vatRegistered: true };
      if (c.segment === 'premium') return { ...base, tier: rng.pick(['gold', 'platinum']) };
      return base;
    };

    // Tickets: opened → responded → resolved (→ reopened → resolved), on the ticket's channel.
    const ticket = (t, touchpoint, firstResponse, resolveAfter, reopenP, resolvedP) => {
      const ticketId = `TCK-${String(++ticketSeq).padStart(6, '0')}`;
      const base = { type: 'ticket', customerId: id, ticketId, touchpoint };
      emit(t, { ...base, status: 'opened' });
      let when = later(t, firstResponse);
      emit(when, { ...base, status: 'responded' });
      if (!rng.chance(resolvedP)) return;
      when = later(when, resolveAfter);
      emit(when, { ...base, status: 'resolved' });
      if (!rng.chance(reopenP)) return;
      when = later(when, rng.range(600, 5 * 1440));
      emit(when, { ...base, status: 'reopened' });
      s.mood -= 0.2;
      when = later(when, rng.range(60, 2 * 1440));
      emit(when, { ...base, status: 'responded' });
      if (rng.chance(0.75)) emit(later(when, rng.range(60, 3 * 1440)), { ...base, status: 'resolved' });
    };

    const support = (idx, t, reason) => {
      const channel = rng.weighted(
        c.segment === 'business' ? [['phone-support', 55], ['live-chat', 35], ['returns-desk', 10]] : [['phone-support', 40], ['live-chat', 45], ['returns-desk', 15]],
      );
      if (channel === 'phone-support') {
        const wait = Math.round(clamp(rng.normal(27, 12), 4, 75));
        const outcome = rng.weighted([['abandoned', wait > 30 ? 45 : 22], ['failure', 12], ['success', 60]]);
        const sentiment = outcome === 'success' ? rng.normal(wait > 25 ? -0.15 : 0.25, 0.25) : rng.normal(-0.6, 0.2);
        interaction(t, 'phone-support', {
          outcome,
          sentiment: sentimentOf(sentiment),
          emotion: outcome === 'success' ? (wait > 25 ? 'impaciencia' : 'alivio') : rng.pick(['enfado', 'impaciencia', 'frustración']),
          properties: { waitMinutes: wait, reason },
        });
        // Abandoned calls get a callback hours later; the others are answered after the wait.
        const firstResponse = outcome === 'abandoned' ? rng.range(120, 1440) : wait;
        ticket(t, 'phone-support', firstResponse, rng.range(180, 4 * 1440), 0.16, 0.8);
        if (outcome !== 'success' || wait > 35) bad(idx, 0.35);
        if (rng.chance(0.35)) {
          const ces = outcome === 'success' ? rng.weighted([[2, 2], [3, 3], [4, 4], [5, 3], [6, 1]]) : rng.weighted([[1, 4], [2, 4], [3, 2], [4, 1]]);
          respond(later(t, wait + rng.range(10, 240)), 'ces', ces, 'phone-support');
        }
      } else if (channel === 'live-chat') {
        const wait = rng.int(1, 7);
        const outcome = rng.weighted([['success', 86], ['failure', 8], ['abandoned', 6]]);
        interaction(t, 'live-chat', {
          outcome,
          sentiment: sentimentOf(outcome === 'success' ? rng.normal(0.45, 0.25) : rng.normal(-0.35, 0.25)),
          emotion: outcome === 'success' ? rng.pick(['alivio', 'satisfacción', 'confianza']) : 'frustración',
          properties: { waitMinutes: wait, reason },
        });
        ticket(t, 'live-chat', rng.range(1, 9), rng.range(20, 480), 0.05, 0.9);
        if (outcome === 'success') good(0.1);
        else bad(idx, 0.15);
        if (rng.chance(0.3)) {
          const ces = outcome === 'success' ? rng.weighted([[4, 1], [5, 3], [6, 4], [7, 4]]) : rng.weighted([[2, 2], [3, 3], [4, 2]]);
          respond(later(t, rng.range(15, 120)), 'ces', ces, 'live-chat');
        }
      } else {
        const tt = idx * 1440 + rng.range(10 * 60, 21 * 60);
        const outcome = rng.weighted([['success', 92], ['failure', 8]]);
        interaction(tt, 'returns-desk', {
          outcome,
          sentiment: sentimentOf(outcome === 'success' ? rng.normal(0.35, 0.25) : rng.normal(-0.5, 0.2)),
          emotion: outcome === 'success' ? 'confianza' : 'enfado',
          properties: { reason: 'devolución', store: rng.pick(CITIES) },
        });
        if (rng.chance(0.5)) ticket(tt, 'returns-desk', rng.range(5, 30), rng.range(60, 2 * 1440), 0.04, 0.92);
        if (outcome === 'failure') bad(idx, 0.25);
        if (rng.chance(0.2)) respond(later(tt, rng.range(30, 600)), 'csat', outcome === 'success' ? rng.weighted([[3, 1], [4, 4], [5, 5]]) : rng.weighted([[1, 2], [2, 3], [3, 1]]), 'returns-desk');
      }
    };

    const online = (idx) => {
      let t = at(idx);
      if (rng.chance(0.3)) {
        const via = rng.weighted([['google-ads', 60], ['newsletter', 40]]);
        interaction(t, via, { outcome: 'success', sentiment: sentimentOf(rng.normal(0.25, 0.15)), properties: via === 'google-ads' ? { campaign: rng.pick(['rebajas', 'nueva-coleccion', 'marca']) } : { campaign: rng.pick(['semanal', 'novedades']) } });
        t = later(t, rng.range(0.2, 3));
      }
      const mobile = rng.chance(0.42);
      interaction(t, mobile ? 'app-catalog' : 'product-page', {
        outcome: 'success',
        sentiment: sentimentOf(rng.normal(0.3, 0.2)),
        emotion: rng.pick(['curiosidad', 'interés', 'ilusión']),
        properties: { category: rng.pick(['moda', 'hogar', 'electrónica', 'deporte', 'belleza']) },
      });
      if (!rng.chance(c.segment === 'business' ? 0.7 : 0.58)) return;
      t = later(t, rng.range(2, 25));
      const inIncident = idx >= incident.from && idx <= incident.to;
      const pFail = inIncident ? 0.36 : 0.15;
      let outcome = rng.weighted([['failure', pFail], ['abandoned', 0.1], ['success', 1 - pFail - 0.1]]);
      const amount = round2(c.segment === 'business' ? rng.range(120, 1800) : rng.range(15, 240));
      const checkout = (o) =>
        interaction(t, 'checkout-online', {
          ...(mobile ? { channel: 'mobile' } : {}),
          outcome: o,
          sentiment: sentimentOf(o === 'success' ? rng.normal(0.45, 0.25) : o === 'failure' ? rng.normal(-0.65, 0.2) : rng.normal(-0.25, 0.2)),
          emotion: o === 'success' ? rng.pick(['satisfacción', 'alegría']) : o === 'failure' ? rng.pick(['frustración', 'enfado']) : rng.pick(['duda', 'frustración']),
          properties:
            o === 'failure'
              ? { amount, error: rng.weighted([['payment_declined', 4], ['gateway_timeout', inIncident ? 8 : 3], ['3ds_failed', 2], ['stock_error', 1]]) }
              : o === 'abandoned'
                ? { amount, step: rng.pick(['shipping', 'payment', 'account']) }
                : { amount, items: rng.int(1, 5) },
        });
      checkout(outcome);
      if (outcome === 'failure') {
        bad(idx, 0.35);
        if (rng.chance(0.5)) {
          t = later(t, rng.range(3, 20));
          outcome = rng.chance(0.72) ? 'success' : 'failure';
          checkout(outcome);
        }
        if (outcome === 'failure' && rng.chance(0.3)) support(idx, later(t, rng.range(10, 300)), 'pago');
      } else if (outcome === 'abandoned') {
        bad(idx, 0.1);
      }
      if (rng.chance(0.12)) {
        const ces = outcome === 'success' ? rng.weighted([[4, 2], [5, 4], [6, 4], [7, 3]]) : rng.weighted([[1, 4], [2, 4], [3, 2]]);
        respond(later(t, rng.range(1, 30)), 'ces', ces, 'checkout-online');
      }
      if (outcome !== 'success') return;
      good(0.08);
      // Delivery: an email when shipped and when delivered; some follow it in the app.
      let d = later(t, rng.range(600, 1800));
      const late = rng.chance(0.07);
      interaction(d, 'delivery-email', { outcome: 'success', sentiment: sentimentOf(rng.normal(0.3, 0.15)), properties: { kind: 'shipped' } });
      if (rng.chance(0.55)) {
        interaction(later(d, rng.range(60, 1440)), 'order-tracking', {
          outcome: rng.chance(0.94) ? 'success' : 'failure',
          sentiment: sentimentOf(rng.normal(late ? -0.3 : 0.3, 0.25)),
          emotion: late ? 'impaciencia' : 'tranquilidad',
        });
      }
      d = later(d, rng.range(late ? 3 * 1440 : 1000, late ? 6 * 1440 : 2 * 1440));
      interaction(d, 'delivery-email', {
        outcome: late ? 'failure' : 'success',
        sentiment: sentimentOf(late ? rng.normal(-0.5, 0.2) : rng.normal(0.5, 0.2)),
        emotion: late ? 'enfado' : 'alegría',
        properties: { kind: 'delivered', late },
      });
      if (late) bad(Math.floor(d / 1440), 0.25);
      if (rng.chance(0.22)) {
        const csat = late ? rng.weighted([[1, 3], [2, 3], [3, 2], [4, 1]]) : rng.weighted([[2, 1], [3, 2], [4, 6], [5, 6]]);
        respond(later(d, rng.range(30, 1440)), 'csat', csat, rng.chance(0.6) ? 'checkout-online' : 'delivery-email');
      }
      if (late && rng.chance(0.3)) support(Math.floor(d / 1440), later(d, rng.range(30, 600)), 'retraso');
    };

    const store = (idx) => {
      let t = at(idx, 10 * 60, 20 * 60 + 30);
      if (rng.chance(0.5)) {
        interaction(t, 'store-visit', { outcome: 'success', sentiment: sentimentOf(rng.normal(0.35, 0.25)), emotion: rng.pick(['confianza', 'curiosidad']), properties: { store: rng.pick(CITIES) } });
        t = later(t, rng.range(5, 40));
      }
      if (!rng.chance(0.8)) return;
      const ok = rng.chance(0.95);
      interaction(t, 'store-till', {
        outcome: ok ? 'success' : 'failure',
        sentiment: sentimentOf(ok ? rng.normal(0.5, 0.2) : rng.normal(-0.4, 0.2)),
        emotion: ok ? rng.pick(['satisfacción', 'alegría']) : 'frustración',
        properties: ok ? { amount: round2(rng.range(10, 180)) } : { amount: round2(rng.range(10, 180)), error: 'card_terminal_down' },
      });
      if (ok) good(0.1);
      else bad(idx, 0.15);
      if (rng.chance(0.15)) respond(later(t, rng.range(10, 600)), 'csat', ok ? rng.weighted([[3, 1], [4, 4], [5, 6]]) : rng.weighted([[2, 2], [3, 2], [4, 1]]), 'store-till');
      if (ok && rng.chance(0.06)) {
        const back = Math.min(lastIdx, idx + rng.int(2, 10));
        support(back, at(back, 10 * 60, 20 * 60), 'devolución');
      }
    };

    const social = (idx) => {
      const angry = s.mood < -0.2 || idx - s.lastBad < 7;
      interaction(at(idx, 8 * 60, 23 * 60), 'social-mention', {
        sentiment: sentimentOf(angry ? rng.normal(-0.6, 0.2) : rng.normal(0.55, 0.25)),
        emotion: angry ? rng.pick(['enfado', 'decepción']) : rng.pick(['entusiasmo', 'alegría']),
        properties: { network: rng.pick(angry ? ['x', 'x', 'facebook'] : ['instagram', 'tiktok', 'x']) },
      });
    };

    // --- the timeline --------------------------------------------------------------------
    if (c.kind === 'prospect') {
      const visits = rng.int(1, 3);
      for (let v = 0; v < visits; v++) {
        const idx = rng.int(1, lastIdx);
        let t = at(idx);
        const first = rng.weighted([['google-ads', 55], ['social-mention', 20], ['product-page', 25]]);
        interaction(t, first, first === 'social-mention' ? { sentiment: sentimentOf(rng.normal(0.2, 0.4)), properties: { network: rng.pick(['instagram', 'tiktok']) } } : { outcome: 'success', sentiment: sentimentOf(rng.normal(0.2, 0.2)) });
        if (first !== 'product-page' && rng.chance(0.5)) {
          t = later(t, rng.range(0.5, 5));
          interaction(t, rng.chance(0.7) ? 'product-page' : 'app-catalog', { outcome: rng.chance(0.85) ? 'success' : 'abandoned', sentiment: sentimentOf(rng.normal(0.15, 0.25)), emotion: 'curiosidad' });
        }
      }
      return;
    }

    const startIdx = c.kind === 'base' ? 0 : c.joinIdx;
    const t0 = at(startIdx, c.kind === 'base' ? 8 * 60 : OPEN, c.kind === 'base' ? 9 * 60 : CLOSE - 120);
    identify(t0, c.segment, traits());
    lifecycle(t0 + 0.5, 'started');
    s.active = true;
    if (c.segment === 'retail' && rng.chance(0.05)) s.upgradeIdx = rng.int(startIdx + 1, lastIdx + 20);
    if (c.kind === 'new') (rng.chance(0.7) ? online : store)(startIdx);

    const prof = SEGMENTS[c.segment];
    for (let idx = Math.max(1, startIdx + 1); idx <= lastIdx; idx++) {
      if (idx === s.upgradeIdx) identify(at(idx), 'premium', { ...traits(), tier: 'gold', upgradedFrom: 'retail' });
      if (!s.active) {
        if (idx === s.winBackIdx) {
          const t = at(idx);
          interaction(t, 'newsletter', { outcome: 'success', sentiment: sentimentOf(rng.normal(0.3, 0.2)), emotion: 'interés', properties: { campaign: 'win-back', offer: '15%' } });
          lifecycle(later(t, rng.range(5, 120)), 'started');
          s.active = true;
          s.mood = Math.max(s.mood, 0);
          if (rng.chance(0.6)) online(idx);
        }
        continue;
      }
      const recentBad = idx - s.lastBad <= 21;
      const hazard = prof.churn * (recentBad ? 10 : 1) * (s.mood < -0.4 ? 2 : 1);
      if (rng.chance(hazard)) {
        lifecycle(at(idx), 'churned');
        s.active = false;
        if (rng.chance(0.3)) s.winBackIdx = idx + rng.int(10, 45);
        continue;
      }
      if (rng.chance(prof.visit * weekdayFactor(idx))) {
        const kind = rng.weighted(Object.entries(prof.journeys));
        if (kind === 'online') online(idx);
        else if (kind === 'store') store(idx);
        else if (kind === 'support') support(idx, at(idx, 9 * 60, 20 * 60), rng.pick(['pedido', 'factura', 'garantía', 'devolución']));
        else social(idx);
      }
      // Relationship NPS survey, sometimes about the last touchpoint used.
      if (rng.chance(0.0035)) {
        const score = Math.round(clamp(rng.normal(prof.npsBase + s.mood * 3, 1.4), 0, 10));
        respond(at(idx, 9 * 60, 22 * 60), 'nps', score, s.lastTouchpoint && rng.chance(0.6) ? s.lastTouchpoint : undefined);
      }
    }
  }

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
  for (const c of customers) simulate(c);

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
