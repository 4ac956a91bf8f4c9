// One customer's life in the demo: profile, lifecycle, visits and surveys day by day. `ctx` is
// the generator's (scripts/demo-data.mjs: random stream, emit, time helpers, window).
import { CITIES, CLOSE, COMPANY_SIZES, LOCALES, OPEN, SEGMENTS, clamp, sentimentOf } from './demo-world.mjs';
import * as journeys from './demo-journeys.mjs';
import { commentLanguage } from './demo-voice.mjs';

export function simulate(ctx, c) {
  const { rng, voice, emit, later, at, comment, weekdayFactor, incident, lastIdx } = ctx;
  const seg = SEGMENTS[c.segment ?? 'retail'];
  const s = { active: false, mood: seg.mood + rng.normal(0, 0.15), lastBad: -999, lastTouchpoint: null, winBackIdx: -1, upgradeIdx: -1 };
  const id = c.id;
  const language = c.kind === 'prospect' ? 'es' : commentLanguage(voice, c.segment);
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
    // An answer about no touchpoint in particular speaks of the last one the customer used.
    const text = comment(survey, score, touchpoint ?? s.lastTouchpoint, language);
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
    const ticketId = `TCK-${String(++ctx.ticketSeq).padStart(6, '0')}`;
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

  const p = { rng, c, s, interaction, respond, ticket, bad, good, later, at, incident, lastIdx };
  const support = (idx, t, reason) => journeys.support(p, idx, t, reason);
  const online = (idx) => journeys.online(p, idx);
  const store = (idx) => journeys.store(p, idx);
  const social = (idx) => journeys.social(p, idx);

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
