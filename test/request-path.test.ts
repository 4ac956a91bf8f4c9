// The hot request path kept cheap without changing what it answers: local days from
// Intl's format() with a per-zone memory of recent instants, the parsed JSON body handed to the
// route's validator as it is, and the 405/404 answer from route patterns compiled once.
import fc from 'fast-check';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../src/env.ts';
import { jsonBody } from '../src/platform/json-body.ts';
import { localDay } from '../src/platform/time.ts';
import { api, expectProblem, newWorkspace, send, ev } from './helpers.ts';

const formats = new Map<string, Intl.DateTimeFormat>();
/** What localDay answered before: the fields of formatToParts, by type. */
function reference(ts: number, tz: string): string {
  let f = formats.get(tz);
  if (!f) formats.set(tz, (f = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })));
  const parts = f.formatToParts(new Date(ts));
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

// Zones with DST, half- and quarter-hour offsets, a skipped calendar day (Apia, 2011-12-30),
// a midnight DST change (São Paulo until 2019) and the widest offsets.
const ZONES = ['UTC', 'Europe/Madrid', 'America/New_York', 'America/Sao_Paulo', 'America/St_Johns', 'Asia/Kathmandu', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Pacific/Apia', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Africa/Monrovia'];
const instant = fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2100, 0, 1) });

describe('localDay', () => {
  it('answers what formatToParts gives, for any instant and zone, asked once or again', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...ZONES), fc.constantFrom(...ZONES), (ts, tz, other) => {
        const expected = reference(ts, tz);
        expect(localDay(ts, tz)).toBe(expected);
        // Remembered per zone: the same instant in another zone is its own answer.
        expect(localDay(ts, other)).toBe(reference(ts, other));
        expect(localDay(ts, tz)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  // Every quarter of an hour of 2011 and the instant before it, where it is hardest: Apia's
  // skipped day, São Paulo's DST changes at midnight, Chatham's +12:45/+13:45.
  it('is right on both sides of every midnight and DST change of a year, and on dates before year 1000', () => {
    for (const tz of ['Pacific/Apia', 'America/Sao_Paulo', 'Pacific/Chatham']) {
      for (let ts = Date.UTC(2011, 0, 1); ts < Date.UTC(2012, 0, 2); ts += 15 * 60_000) {
        expect(localDay(ts, tz)).toBe(reference(ts, tz));
        expect(localDay(ts - 1, tz)).toBe(reference(ts - 1, tz));
      }
    }
    for (const ts of [Date.UTC(999, 11, 31, 12), Date.UTC(500, 5, 1), Date.UTC(9999, 0, 1)]) expect(localDay(ts, 'Europe/Madrid')).toBe(reference(ts, 'Europe/Madrid'));
  });

  it('still refuses what it refused: an unknown zone, an invalid instant', () => {
    expect(() => localDay(Date.now(), 'Mars/Olympus_Mons')).toThrow(RangeError);
    expect(() => localDay(Number.NaN, 'UTC')).toThrow(RangeError);
  });
});

describe('the JSON body middleware', () => {
  it("hands the route's validator the parsed body itself, not a re-serialized copy", async () => {
    const app = new Hono<AppEnv>().post('/', jsonBody, async (c) => c.json({ same: (await c.req.json()) === c.get('rawBody') }));
    const res = await app.request('/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"batch":[{"a":1}]}' });
    expect(await res.json()).toEqual({ same: true });
  });

  it('keeps every answer of the ingest route: valid batches stored, bad ones refused whole', async () => {
    const ws = await newWorkspace();
    const batch = [ev.lifecycle(), ev.identify({ traits: { plan: 'pro', nested: { a: [1, 2] } } }), ev.interaction()];
    const ok = await send(ws, { batch });
    expect(ok).toMatchObject({ status: 202, body: { accepted: 3, duplicates: 0 } });
    const bad = await api('/v1/events', { key: ws.keys.ingest, body: { batch: [ev.lifecycle(), { ...ev.lifecycle(), status: 'paused' }] } });
    const problem = await expectProblem(bad, 400);
    expect(problem.errors?.map((e) => e.path)).toEqual(['batch.1.status']);
  });
});

describe('405 and 404', () => {
  it('answers alike on every unmatched request (patterns compiled once), parameterised paths included', async () => {
    const ws = await newWorkspace();
    for (let round = 0; round < 3; round++) {
      const wrong = await api('/v1/rollups/some-run', { method: 'DELETE', key: ws.keys.admin });
      await expectProblem(wrong, 405);
      expect(wrong.headers.get('allow')?.split(/,\s*/).sort()).toEqual(['GET', 'HEAD']);
      const events = await api('/v1/events', { method: 'PUT', key: ws.keys.ingest });
      await expectProblem(events, 405);
      expect(events.headers.get('allow')).toBe('POST');
      await expectProblem(await api(`/v1/no-such-route-${round}`), 404);
    }
  });
});
