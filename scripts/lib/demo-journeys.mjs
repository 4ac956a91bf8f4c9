// A customer's journeys in the demo (support, online purchase, store visit, social mention).
// Each takes the person `p` (scripts/lib/demo-person.mjs: their state, the shared random
// stream and the emitters) and draws from `p.rng` in a fixed order, so the demo stays deterministic.
import { CITIES, clamp, round2, sentimentOf } from './demo-world.mjs';

export function support(p, idx, t, reason) {
  const { rng, c, s, interaction, respond, ticket, bad, good, later, at, incident, lastIdx } = p;
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
}

export function online(p, idx) {
  const { rng, c, s, interaction, respond, ticket, bad, good, later, at, incident, lastIdx } = p;
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
      // A sale is worth its amount (in the workspace's currency, EUR); a failed one nothing.
      ...(o === 'success' ? { value: amount } : {}),
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
    if (outcome === 'failure' && rng.chance(0.3)) support(p, idx, later(t, rng.range(10, 300)), 'pago');
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
  if (late && rng.chance(0.3)) support(p, Math.floor(d / 1440), later(d, rng.range(30, 600)), 'retraso');
}

export function store(p, idx) {
  const { rng, c, s, interaction, respond, ticket, bad, good, later, at, incident, lastIdx } = p;
  let t = at(idx, 10 * 60, 20 * 60 + 30);
  if (rng.chance(0.5)) {
    interaction(t, 'store-visit', { outcome: 'success', sentiment: sentimentOf(rng.normal(0.35, 0.25)), emotion: rng.pick(['confianza', 'curiosidad']), properties: { store: rng.pick(CITIES) } });
    t = later(t, rng.range(5, 40));
  }
  if (!rng.chance(0.8)) return;
  const ok = rng.chance(0.95);
  const amount = round2(rng.range(10, 180));
  interaction(t, 'store-till', {
    outcome: ok ? 'success' : 'failure',
    ...(ok ? { value: amount } : {}),
    sentiment: sentimentOf(ok ? rng.normal(0.5, 0.2) : rng.normal(-0.4, 0.2)),
    emotion: ok ? rng.pick(['satisfacción', 'alegría']) : 'frustración',
    properties: ok ? { amount } : { amount, error: 'card_terminal_down' },
  });
  if (ok) good(0.1);
  else bad(idx, 0.15);
  if (rng.chance(0.15)) respond(later(t, rng.range(10, 600)), 'csat', ok ? rng.weighted([[3, 1], [4, 4], [5, 6]]) : rng.weighted([[2, 2], [3, 2], [4, 1]]), 'store-till');
  if (ok && rng.chance(0.06)) {
    const back = Math.min(lastIdx, idx + rng.int(2, 10));
    support(p, back, at(back, 10 * 60, 20 * 60), 'devolución');
  }
}

export function social(p, idx) {
  const { rng, c, s, interaction, respond, ticket, bad, good, later, at, incident, lastIdx } = p;
  const angry = s.mood < -0.2 || idx - s.lastBad < 7;
  interaction(at(idx, 8 * 60, 23 * 60), 'social-mention', {
    sentiment: sentimentOf(angry ? rng.normal(-0.6, 0.2) : rng.normal(0.55, 0.25)),
    emotion: angry ? rng.pick(['enfado', 'decepción']) : rng.pick(['entusiasmo', 'alegría']),
    properties: { network: rng.pick(angry ? ['x', 'x', 'facebook'] : ['instagram', 'tiktok', 'x']) },
  });
}
