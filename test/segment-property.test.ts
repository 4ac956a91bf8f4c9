// Property-based inputs on the Segment routes, as test/property.test.ts does for /v1/events:
// any malformed call is a 4xx problem that stores nothing (not even an unmapped count), and
// any valid batch is stored once, a resend only as duplicates.
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, ingestCounts, newWorkspace, type TestWorkspace } from './helpers.ts';

type Call = Record<string, unknown>;
const DAY = 86_400_000;
const text = (max: number) => fc.string({ unit: 'grapheme', minLength: 1, maxLength: max }).filter((s) => s.length <= max);
const key = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,30}$/);
// `__proto__` keys are refused (test/hardening.test.ts), so valid objects never carry one.
const obj = fc
  .dictionary(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })
  .filter((o) => !JSON.stringify(o).includes('"__proto__"'));
const iso = (ms: number) => new Date(ms).toISOString();

/** timestamp from 2000 to now; sentAt, when present, up to five days after it (a clock running ahead). */
const times = fc
  .tuple(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.now() }), fc.option(fc.integer({ min: 0, max: 5 * DAY }), { nil: undefined }))
  .map(([t, skew]) => (skew === undefined ? { timestamp: iso(t) } : { timestamp: iso(t), sentAt: iso(t + skew) }));
// Customer ids `.` and `..` are refused (they could never be erased through the URL).
const id = text(200).filter((s) => s !== '.' && s !== '..');
const who = fc.oneof(fc.record({ userId: fc.oneof(id, fc.integer()) }), fc.record({ anonymousId: id }));
const context = fc.option(fc.record({ traits: fc.record({ segment: text(100), plan: fc.string() }, { requiredKeys: [] }) }), { nil: undefined });

const convention = fc.oneof(
  fc.constantFrom('nps', 'csat', 'ces').chain((survey) =>
    fc.record({
      event: fc.constant('Survey Responded'),
      properties: fc.record(
        { survey: fc.constant(survey), score: fc.integer({ min: survey === 'nps' ? 0 : 1, max: { nps: 10, csat: 5, ces: 7 }[survey]! }), touchpoint: key, comment: fc.string({ maxLength: 200 }) },
        { requiredKeys: ['survey', 'score'] },
      ),
    }),
  ),
  fc.record({ event: fc.constantFrom('Signed Up', 'Subscription Started', 'Subscription Cancelled') }),
  fc.record({ event: fc.constantFrom('Ticket Opened', 'Ticket Responded', 'Ticket Resolved', 'Ticket Reopened'), properties: fc.record({ ticketId: text(200) }) }),
);
const other = fc.record({ event: text(200).filter((e) => !/^(Survey|Signed|Subscription|Ticket) /.test(e)), properties: obj }, { requiredKeys: ['event'] });

const shape = fc.oneof(
  fc.record({ type: fc.constant('identify'), traits: fc.option(obj, { nil: undefined }) }),
  convention.map((c) => ({ type: 'track', ...c })),
  other.map((c) => ({ type: 'track', ...c })),
  fc.record({ type: fc.constantFrom('page', 'screen'), name: fc.option(text(200), { nil: undefined }), properties: fc.option(obj, { nil: undefined }) }),
  fc.record({ type: fc.constantFrom('group', 'alias') }),
);
const clean = (c: Call) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined));
const validCall: fc.Arbitrary<Call> = fc
  .tuple(shape, who, times, context, text(90))
  .map(([s, w, t, ctx, messageId]) => clean({ ...s, ...w, ...t, context: ctx, messageId }));

/** Rows a valid call becomes, by the README's mapping table (no rules in this workspace). */
function rowsOf(c: Call): number {
  const props = (c.properties ?? {}) as Call;
  const conventional = c.type === 'track' && /^(Survey Responded|Signed Up|Subscription Started|Subscription Cancelled|Ticket (Opened|Responded|Resolved|Reopened))$/.test(String(c.event)) && (c.event !== 'Survey Responded' || props.survey);
  const traits = c.type !== 'identify' && (c.context as { traits?: Call } | undefined)?.traits?.segment !== undefined;
  return (c.type === 'identify' || conventional ? 1 : 0) + (traits ? 1 : 0);
}

// ---- one bad field per call ----
const MISSING = Symbol('missing');
const notObject = fc.oneof(fc.array(fc.integer(), { maxLength: 3 }), fc.string(), fc.integer(), fc.constant(null));
const notText = fc.oneof(fc.boolean(), fc.constant(null), fc.constant({}), fc.constant(''), fc.string({ minLength: 201, maxLength: 260 }));
const badTime = fc.oneof(fc.constantFrom('2026-03-01T10:00:00', 'yesterday', '2026-13-01T00:00:00Z', ''), fc.integer(), fc.constant(null));
function badFields(c: Call): Record<string, fc.Arbitrary<unknown>> {
  const common: Record<string, fc.Arbitrary<unknown>> = {
    type: fc.oneof(fc.string().filter((t) => !['identify', 'track', 'page', 'screen', 'group', 'alias'].includes(t)), fc.constant(MISSING), fc.integer()),
    messageId: fc.oneof(fc.constant(''), fc.string({ minLength: 101, maxLength: 140 }), fc.integer({ min: 1 }), fc.constant(null)),
    timestamp: badTime,
    sentAt: badTime,
    context: fc.oneof(fc.string(), fc.integer(), fc.record({ traits: notObject })),
  };
  if ('userId' in c) common.userId = notText;
  if (c.type === 'identify') common.traits = notObject;
  if (c.type === 'track') Object.assign(common, { event: fc.oneof(notText, fc.constant(MISSING)), properties: notObject });
  if (c.event === 'Survey Responded') common.properties = fc.record({ survey: fc.constant((c.properties as Call).survey), score: fc.oneof(fc.integer({ min: 11 }), fc.integer({ max: -1 }), fc.constant(2.5), fc.constant('7')) });
  if (c.type === 'page' || c.type === 'screen') Object.assign(common, { name: notText, properties: notObject });
  return common;
}
const corruptCall: fc.Arbitrary<[Call, string]> = validCall.chain((c) => {
  const fields = badFields(c);
  return fc.constantFrom(...Object.keys(fields)).chain((field) =>
    fields[field].map((bad): [Call, string] => {
      const copy = { ...c };
      if (bad === MISSING) delete copy[field];
      else copy[field] = bad;
      return [copy, field];
    }),
  );
});

async function counts(ws: TestWorkspace) {
  const unmapped = await env.DB.prepare('SELECT COALESCE(SUM(count), 0) AS n FROM segment_unmapped WHERE workspace_id = ?').bind(ws.id).first<{ n: number }>();
  return { ...(await ingestCounts(ws.id)), unmapped: unmapped!.n };
}
const post = (ws: TestWorkspace, path: string, body: string) =>
  api(path, { method: 'POST', raw: body, headers: { 'content-type': 'application/json', authorization: `Basic ${btoa(`${ws.keys.ingest}:`)}` } });

async function expect4xxAndNothingStored(ws: TestWorkspace, before: Awaited<ReturnType<typeof counts>>, res: Response) {
  const text = await res.text();
  expect(res.status, text).toBeGreaterThanOrEqual(400);
  expect(res.status, text).toBeLessThan(500);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(await counts(ws)).toEqual(before);
  return JSON.parse(text) as { errors?: { path: string }[] };
}

describe('malformed Segment calls are a 4xx and store nothing', () => {
  let ws: TestWorkspace;
  let before: Awaited<ReturnType<typeof counts>>;
  beforeAll(async () => {
    ws = await newWorkspace('America/Sao_Paulo');
    expect((await post(ws, '/v1/batch', JSON.stringify({ batch: [{ type: 'page', userId: 'seed', messageId: 'seed' }] }))).status).toBe(200);
    before = await counts(ws);
  });

  it('one bad call among good ones fails the whole batch, and only it is named', async () => {
    const arb = fc.tuple(fc.array(validCall, { maxLength: 12 }), corruptCall, fc.nat());
    await fc.assert(
      fc.asyncProperty(arb, async ([good, [bad, field], at]) => {
        const i = at % (good.length + 1);
        const batch = [...good.slice(0, i), bad, ...good.slice(i)];
        const p = await expect4xxAndNothingStored(ws, before, await post(ws, '/v1/batch', JSON.stringify({ batch })));
        const paths = (p.errors ?? []).map((e) => e.path);
        expect(paths.length, JSON.stringify(bad)).toBeGreaterThan(0);
        for (const path of paths) expect(path === `batch.${i}` || path.startsWith(`batch.${i}.`), `${path} for ${field}`).toBe(true);
      }),
      { numRuns: 80 },
    );
  });

  it('a bad single call on /v1/track, /v1/identify, /v1/page, /v1/screen', async () => {
    const arb = corruptCall.filter(([c, field]) => ['identify', 'track', 'page', 'screen'].includes(String(c.type)) && field !== 'type');
    await fc.assert(
      fc.asyncProperty(arb, async ([call]) => {
        await expect4xxAndNothingStored(ws, before, await post(ws, `/v1/${call.type}`, JSON.stringify(call)));
      }),
      { numRuns: 60 },
    );
  });

  it('junk JSON and junk batches', async () => {
    const junk = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ batch: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 })) }));
    await fc.assert(
      fc.asyncProperty(junk, fc.constantFrom('/v1/batch', '/v1/track', '/v1/identify', '/v1/page', '/v1/screen'), async (body, path) => {
        await expect4xxAndNothingStored(ws, before, await post(ws, path, JSON.stringify(body)));
      }),
      { numRuns: 80 },
    );
  });
});

describe('valid Segment batches', () => {
  it('are mapped by the table, stored once, counted as unmapped otherwise; a resend stores nothing new', async () => {
    const ws = await newWorkspace('Asia/Kolkata');
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(validCall, { minLength: 1, maxLength: 30, selector: (c) => c.messageId }), async (calls) => {
        const tag = `r${++run}:`;
        const batch = calls.map((c): Call => ({ ...c, messageId: tag + String(c.messageId) }));
        const start = await counts(ws);
        const res = await post(ws, '/v1/batch', JSON.stringify({ batch }));
        const body = await res.json<any>();
        expect(res.status, JSON.stringify(body)).toBe(200);
        const expected = batch.reduce((n, c) => n + rowsOf(c), 0);
        const unmapped = batch.filter((c) => rowsOf(c) === 0 || (c.type !== 'identify' && rowsOf(c) === 1 && (c.context as any)?.traits?.segment !== undefined)).length;
        expect(body).toEqual({ success: true, accepted: expected, duplicates: 0, unmapped });
        const after = await counts(ws);
        expect(after.events - start.events).toBe(expected);
        expect(after.unmapped - start.unmapped).toBe(unmapped);
        const again = await (await post(ws, '/v1/batch', JSON.stringify({ batch }))).json<any>();
        expect(again).toEqual({ success: true, accepted: 0, duplicates: expected, unmapped });
        expect((await counts(ws)).events).toBe(after.events);
      }),
      { numRuns: 50 },
    );
  });

  it('a call without a messageId but with a timestamp gets the same id when resent', async () => {
    const ws = await newWorkspace('UTC');
    const arb = fc.uniqueArray(validCall.filter((c) => rowsOf(c) > 0), { minLength: 1, maxLength: 10, selector: (c) => c.messageId });
    await fc.assert(
      fc.asyncProperty(arb, async (calls) => {
        const batch = calls.map(({ messageId, ...c }) => ({ ...c, properties: { ...(c.properties as object), nonce: messageId } }));
        const first = await (await post(ws, '/v1/batch', JSON.stringify({ batch, sentAt: new Date().toISOString() }))).json<any>();
        const resent = await (await post(ws, '/v1/batch', JSON.stringify({ batch, sentAt: new Date(Date.now() + 1000).toISOString() }))).json<any>();
        expect(resent).toMatchObject({ accepted: 0, duplicates: first.accepted });
      }),
      { numRuns: 30 },
    );
  });
});
