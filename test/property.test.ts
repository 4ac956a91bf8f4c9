import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorPaths, ingestCounts, newWorkspace, send, sendRaw, type TestWorkspace } from './helpers.ts';
import { localDay } from '../src/platform/time.ts';

type Ev = Record<string, unknown>;
const HOUR = 3_600_000;
const CHANNELS = ['web', 'mobile', 'store', 'email', 'phone', 'chat', 'social', 'other'];
const RANGE = { nps: [0, 10], csat: [1, 5], ces: [1, 7] } as const;

// ---- valid events ----
const text = (max: number) => fc.string({ unit: 'grapheme', minLength: 1, maxLength: max }).filter((s) => s.length <= max);
const key = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,30}$/);
/** ISO 8601 with a random offset, for an instant from 1970 to 23 h ahead. */
const timestamp = fc
  .tuple(fc.integer({ min: 0, max: Date.now() + 23 * HOUR }), fc.integer({ min: -48, max: 56 }))
  .map(([ms, q]) => {
    const off = q * 15;
    const local = new Date(ms + off * 60_000).toISOString().slice(0, -1);
    const hh = String(Math.floor(Math.abs(off) / 60)).padStart(2, '0');
    const mm = String(Math.abs(off) % 60).padStart(2, '0');
    return `${local}${off < 0 ? '-' : '+'}${hh}:${mm}`;
  });
const survey = fc.constantFrom(...(Object.keys(RANGE) as (keyof typeof RANGE)[]));
// `__proto__` keys are refused (test/hardening.test.ts), so valid objects never carry one.
const obj = fc
  .dictionary(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })
  .filter((o) => !JSON.stringify(o).includes('"__proto__"'));

// Ids leave room for the per-run tag the last property prefixes.
// `.` and `..` are refused as customer ids (they could never be erased through the URL).
const base = { messageId: text(94), customerId: text(194).filter((id) => id !== '.' && id !== '..'), timestamp: fc.option(timestamp, { nil: undefined }) };
const opt = { requiredKeys: ['type', 'messageId', 'customerId'] as ('type' | 'messageId' | 'customerId')[] };
const validEvent: fc.Arbitrary<Ev> = fc.oneof(
  fc.record({ type: fc.constant('identify'), ...base, segment: text(100), traits: obj }, opt),
  fc.record(
    { type: fc.constant('interaction'), ...base, touchpoint: key, channel: fc.constantFrom(...CHANNELS), outcome: fc.constantFrom('success', 'failure', 'abandoned'),
      sentiment: fc.double({ min: -1, max: 1, noNaN: true }), emotion: text(50), properties: obj },
    { requiredKeys: [...opt.requiredKeys, 'touchpoint'] },
  ),
  survey.chain((s) =>
    fc.record(
      { type: fc.constant('response'), ...base, survey: fc.constant(s), score: fc.integer({ min: RANGE[s][0], max: RANGE[s][1] }), touchpoint: key, comment: fc.string({ maxLength: 5000 }) },
      { requiredKeys: [...opt.requiredKeys, 'survey', 'score'] },
    ),
  ),
  fc.record({ type: fc.constant('lifecycle'), ...base, status: fc.constantFrom('started', 'churned') }, { requiredKeys: [...opt.requiredKeys, 'status'] }),
  fc.record(
    { type: fc.constant('ticket'), ...base, ticketId: text(200), status: fc.constantFrom('opened', 'responded', 'resolved', 'reopened'), touchpoint: key, channel: fc.constantFrom(...CHANNELS) },
    { requiredKeys: [...opt.requiredKeys, 'ticketId', 'status'] },
  ),
);

// ---- bad values, per field ----
const MISSING = Symbol('missing');
const notString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.constant({}));
const overlong = (max: number) => fc.string({ minLength: max + 1, maxLength: max + 60 });
const badString = (max: number) => fc.oneof(fc.constant(''), overlong(max), notString, fc.constant(MISSING));
const badKey = fc.oneof(fc.constant(''), overlong(100), fc.string().map((s) => `-${s}`), fc.string().map((s) => `a b${s}`), notString);
const notIn = (allowed: readonly string[]) => fc.oneof(fc.string().filter((s) => !allowed.includes(s)), notString);
const badTimestamp = fc.oneof(
  fc.constantFrom('2026-03-01T10:00:00', '2026-03-01', 'yesterday', '2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z', '1969-12-31T23:59:59Z', '0999-01-01T00:00:00Z'),
  fc.integer({ min: 25, max: 24 * 3650 }).map((h) => new Date(Date.now() + h * HOUR).toISOString()),
  fc.integer(),
  fc.constant(null),
);
const notObject = fc.oneof(fc.array(fc.integer(), { maxLength: 3 }), fc.string(), fc.integer(), fc.constant(null));

function badFields(e: Ev): Record<string, fc.Arbitrary<unknown>> {
  const common = {
    type: notIn(['identify', 'interaction', 'response', 'lifecycle', 'ticket']),
    messageId: badString(100),
    customerId: badString(200),
    timestamp: badTimestamp,
  };
  switch (e.type) {
    case 'identify':
      return { ...common, segment: badString(100).filter((v) => v !== MISSING), traits: notObject };
    case 'interaction':
      return { ...common, touchpoint: fc.oneof(badKey, fc.constant(MISSING)), channel: notIn(CHANNELS), outcome: notIn(['success', 'failure', 'abandoned']),
        sentiment: fc.oneof(fc.double({ min: 1, noNaN: true, minExcluded: true }), fc.double({ max: -1, noNaN: true, maxExcluded: true }), fc.string(), fc.constant(null)),
        emotion: overlong(50), properties: notObject };
    case 'response': {
      const [min, max] = RANGE[e.survey as keyof typeof RANGE];
      const score = fc.oneof(fc.integer({ max: min - 1 }), fc.integer({ min: max + 1 }), fc.double({ min, max, noNaN: true }).filter((x) => !Number.isInteger(x)), fc.constant(String(min)), fc.constant(MISSING));
      return { ...common, score, survey: fc.oneof(notIn(Object.keys(RANGE)), fc.constant(MISSING)), comment: fc.oneof(overlong(5000), fc.integer()), touchpoint: badKey };
    }
    case 'lifecycle':
      return { ...common, status: fc.oneof(notIn(['started', 'churned']), fc.constant(MISSING)) };
    default:
      return { ...common, ticketId: badString(200), status: fc.oneof(notIn(['opened', 'responded', 'resolved', 'reopened']), fc.constant(MISSING)), channel: notIn(CHANNELS) };
  }
}

/** A valid event with exactly one field made invalid; returns the event and that field. */
const corruptEvent: fc.Arbitrary<[Ev, string]> = validEvent.chain((e) => {
  const fields = badFields(e);
  return fc.constantFrom(...Object.keys(fields)).chain((field) =>
    fields[field].map((bad): [Ev, string] => {
      const copy: Ev = { ...e };
      if (bad === MISSING) delete copy[field];
      else copy[field] = bad;
      return [copy, field];
    }),
  );
});

const junk = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({ batch: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 })) }),
  fc.array(validEvent, { minLength: 1, maxLength: 3 }),
  fc.record({ events: fc.array(validEvent, { maxLength: 2 }) }),
);

// ---- properties ----
async function expect4xxAndNothingStored(ws: TestWorkspace, res: Response) {
  const text = await res.text();
  expect(res.status, text).toBeGreaterThanOrEqual(400);
  expect(res.status, text).toBeLessThan(500);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const p = JSON.parse(text);
  expect([typeof p.type, typeof p.title, typeof p.detail, p.status]).toEqual(['string', 'string', 'string', res.status]);
  expect(await ingestCounts(ws.id)).toEqual(before.get(ws.id));
  return p;
}

const before = new Map<string, Awaited<ReturnType<typeof ingestCounts>>>();
const RUNS = { numRuns: 80 };

describe('malformed input is a 4xx and stores nothing', () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await newWorkspace('Pacific/Chatham');
    expect((await send(ws, { type: 'lifecycle', messageId: 'seed', customerId: 'seed', status: 'started' })).status).toBe(202);
    before.set(ws.id, await ingestCounts(ws.id));
  });

  it('a single event with one bad field names that field', async () => {
    await fc.assert(
      fc.asyncProperty(corruptEvent, async ([event, field]) => {
        const p = await expect4xxAndNothingStored(ws, await sendRaw(ws, JSON.stringify(event)));
        expect(errorPaths(p)).toContain(field);
      }),
      RUNS,
    );
  });

  it('one bad event among good ones fails the whole batch, and only it is named', async () => {
    const arb = fc.tuple(fc.array(validEvent, { minLength: 1, maxLength: 25 }), corruptEvent, fc.nat());
    await fc.assert(
      fc.asyncProperty(arb, async ([good, [bad, field], at]) => {
        const i = at % (good.length + 1);
        const batch = [...good.slice(0, i), bad, ...good.slice(i)];
        const p = await expect4xxAndNothingStored(ws, await sendRaw(ws, JSON.stringify({ batch })));
        expect(errorPaths(p)).toContain(`batch.${i}.${field}`);
        for (const path of errorPaths(p)) expect(path.startsWith(`batch.${i}.`) || path === `batch.${i}`).toBe(true);
      }),
      RUNS,
    );
  });

  it('junk JSON, junk text and junk batches are rejected', async () => {
    await fc.assert(
      fc.asyncProperty(junk, async (body) => {
        await expect4xxAndNothingStored(ws, await sendRaw(ws, JSON.stringify(body)));
      }),
      RUNS,
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), async (raw) => {
        await expect4xxAndNothingStored(ws, await sendRaw(ws, raw.startsWith('{') ? raw : `{${raw}`));
      }),
      { numRuns: 60 },
    );
  });
});

describe('valid batches are all accepted', () => {
  it('counts every unique messageId once, and a resend only as duplicates', async () => {
    const ws = await newWorkspace('Asia/Kolkata');
    // Read before any event is sent: a day that is today then may be complete by the end.
    const todayAtStart = localDay(Date.now(), 'Asia/Kolkata');
    let run = 0;
    const arb = fc.tuple(fc.uniqueArray(validEvent, { minLength: 1, maxLength: 40, selector: (e) => e.messageId }), fc.nat());
    await fc.assert(
      fc.asyncProperty(arb, async ([events, k]) => {
        const tag = `r${++run}:`;
        const batch = events.map((e) => ({ ...e, messageId: tag + e.messageId, customerId: tag + e.customerId }));
        const start = await ingestCounts(ws.id);
        const first = await send(ws, { batch });
        expect(first.status, JSON.stringify(first.body)).toBe(202);
        expect(first.body).toEqual({ accepted: batch.length, duplicates: 0 });
        const after = await ingestCounts(ws.id);
        expect(after.events - start.events).toBe(batch.length);
        expect(after.customers - start.customers).toBe(new Set(batch.map((e) => e.customerId)).size);
        const resend = batch.slice(0, 1 + (k % batch.length));
        expect((await send(ws, { batch: resend })).body).toEqual({ accepted: 0, duplicates: resend.length });
        expect(await ingestCounts(ws.id)).toEqual(after);
      }),
      { numRuns: 60 },
    );
    // Every day holding other events is marked for a full rollup; a complete day holding
    // lifecycle events only is pending through the lifecycle watermark (people_from).
    const { results } = await env.DB.prepare(
      `SELECT COUNT(*) AS n FROM (SELECT DISTINCT day FROM events WHERE workspace_id = ?1 AND type <> 'lifecycle') e
       LEFT JOIN dirty_days d ON d.workspace_id = ?1 AND d.day = e.day WHERE d.day IS NULL`,
    ).bind(ws.id).all<{ n: number }>();
    expect(results[0].n).toBe(0);
    const unmarked = await env.DB.prepare(
      `SELECT COUNT(*) AS n FROM (SELECT DISTINCT day FROM events WHERE workspace_id = ?1 AND type = 'lifecycle' AND day < ?2) e
       LEFT JOIN dirty_days d ON d.workspace_id = ?1 AND d.day = e.day
       WHERE d.day IS NULL AND e.day < coalesce((SELECT people_from FROM rollup_state WHERE workspace_id = ?1), '9999')`,
    ).bind(ws.id, todayAtStart).first<{ n: number }>();
    expect(unmarked!.n).toBe(0);
  });
});
