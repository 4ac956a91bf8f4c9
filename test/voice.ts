// A small shop whose customers' comments are worked out by hand in test/voice-report.test.ts
// and test/empathy.test.ts: three themes, nine survey responses, four interactions.
import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { guardD1 } from '../src/platform/d1.ts';
import { drainAll } from '../src/rollup/drain.ts';
import { api, configureInventory, newWorkspace, send, type TestWorkspace } from './helpers.ts';

export const VOICE_RANGE = { from: '2026-11-10', to: '2026-11-12' };
export const VOICE_NOW = Date.parse('2026-11-13T12:00:00Z');
export const d1 = () => guardD1(env.DB);

export const THEMES = {
  price: { name: 'Precio', polarity: 'negative', terms: { es: ['precio', 'caro'], en: ['price', 'expensive'] } },
  staff: { name: 'Personal', polarity: 'positive', terms: { es: ['amable', 'personal'], en: ['friendly', 'staff'] } },
  delivery: { name: 'Entrega', polarity: 'neutral', terms: { es: ['tiempo de espera', 'envío'], en: ['delivery'] } },
} as const;

export async function putThemes(ws: TestWorkspace, themes: Record<string, unknown> = THEMES) {
  for (const [key, body] of Object.entries(themes)) expect((await api(`/v1/themes/${key}`, { method: 'PUT', key: ws.keys.admin, body })).status).toBe(200);
}

/** Rolls up every marked day as the drain would (without the engine). */
export async function rollUp(ws: TestWorkspace) {
  for (let i = 0; i < 5; i++) if ((await drainAll(d1(), ws.id, ws.timezone, VOICE_NOW)).pending === 0) return;
  throw new Error('rollup did not finish');
}

/**
 * g* customers are gold, s* silver, b1 bronze. Comments, newest last within a day:
 *  c1 g1 checkout     nps 2  11-10 10:00 "El PRECIO es muy caro, llamadme al +34 612 345 678"   price
 *  c2 g2 checkout     nps 5  11-10 11:00 "Too expensive and the delivery was slow. Mail me: a.b+c@x.co"  price, delivery
 *  c9 g9 store-till   ces 3  11-10 15:00 "Nadie en caja"                                        —
 *  c3 s3 ads          nps 10 11-11 09:00 "Personal muy amable, ¡gracias!"                        staff
 *  c4 s4 ads          nps 9  11-11 10:00 "Friendly staff, good price"                            staff, price
 *  c5 s5 support-call nps 8  11-11 11:00 "Llamé (555) 123-4567 y nadie respondió"                —
 *  c6 g6 (none)       csat 2 11-11 12:00 "precios altos"                                         price (plural)
 *  c7 g7 checkout     nps 10 11-11 13:00 (no comment);  c8 g8 checkout nps 0 11-11 14:00 "   " (blank: no comment)
 * Interactions: g1 checkout failure frustrated −0.8 (11-10); s3 ads success happy 0.6 and s4 ads
 * abandoned bored −0.2 (11-11); b1 ads success, no emotion (11-12).
 */
export function shopEvents(prefix = 'v') {
  let m = 0;
  const id = () => `${prefix}${++m}`;
  const who = (c: string, segment: string) => ({ type: 'identify', messageId: id(), customerId: c, segment, timestamp: '2026-11-01T08:00:00Z' });
  const say = (c: string, day: string, time: string, survey: string, score: number, touchpoint: string | null, comment?: string) => ({
    type: 'response', messageId: id(), customerId: c, survey, score, timestamp: `${day}T${time}:00Z`,
    ...(touchpoint ? { touchpoint } : {}), ...(comment !== undefined ? { comment } : {}),
  });
  const act = (c: string, day: string, touchpoint: string, outcome: string, extra: Record<string, unknown> = {}) => ({
    type: 'interaction', messageId: id(), customerId: c, touchpoint, outcome, timestamp: `${day}T08:00:00Z`, ...extra,
  });
  return [
    ...['g1', 'g2', 'g6', 'g7', 'g8', 'g9'].map((c) => who(c, 'gold')),
    ...['s3', 's4', 's5'].map((c) => who(c, 'silver')),
    who('b1', 'bronze'),
    say('g1', '2026-11-10', '10:00', 'nps', 2, 'checkout', 'El PRECIO es muy caro, llamadme al +34 612 345 678'),
    say('g2', '2026-11-10', '11:00', 'nps', 5, 'checkout', 'Too expensive and the delivery was slow. Mail me: a.b+c@x.co'),
    say('g9', '2026-11-10', '15:00', 'ces', 3, 'store-till', 'Nadie en caja'),
    say('s3', '2026-11-11', '09:00', 'nps', 10, 'ads', 'Personal muy amable, ¡gracias!'),
    say('s4', '2026-11-11', '10:00', 'nps', 9, 'ads', 'Friendly staff, good price'),
    say('s5', '2026-11-11', '11:00', 'nps', 8, 'support-call', 'Llamé (555) 123-4567 y nadie respondió'),
    say('g6', '2026-11-11', '12:00', 'csat', 2, null, 'precios altos'),
    say('g7', '2026-11-11', '13:00', 'nps', 10, 'checkout'),
    say('g8', '2026-11-11', '14:00', 'nps', 0, 'checkout', '   '),
    act('g1', '2026-11-10', 'checkout', 'failure', { emotion: 'frustrated', sentiment: -0.8 }),
    act('s3', '2026-11-11', 'ads', 'success', { emotion: 'happy', sentiment: 0.6 }),
    act('s4', '2026-11-11', 'ads', 'abandoned', { emotion: 'bored', sentiment: -0.2 }),
    act('b1', '2026-11-12', 'ads', 'success'),
  ];
}

/** The shop, its themes and its events, rolled up. */
export async function shop(themes: Record<string, unknown> = THEMES, prefix = 'v'): Promise<TestWorkspace> {
  const ws = await newWorkspace('UTC');
  await configureInventory(ws);
  await putThemes(ws, themes);
  expect((await send(ws, { batch: shopEvents(prefix) })).status).toBe(202);
  await rollUp(ws);
  return ws;
}
