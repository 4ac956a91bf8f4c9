// Fills a fresh server with a realistic workspace through the public HTTP API only:
// the demo inventory of `npm start` (plus a touchpoint whose name and owner are markup),
// an alert rule, ~45 days of the demo's deterministic events, a rollup, and a read key.
import { setTimeout as sleep } from 'node:timers/promises';
// @ts-expect-error -- plain JavaScript module without type declarations
import { STAGES, TOUCHPOINTS, addDays, demoEvents, localYesterday, toBatches } from '../../scripts/demo-data.mjs';

export const TIMEZONE = 'Europe/Madrid';
/** Activity days; with the import day before them, more than one rollup run's budget. */
export const DAYS = 45;
export const EVIL_KEY = 'evil-markup';
export const EVIL_NAME = '<script>alert(1)</script>';
export const EVIL_OWNER = '<img src=x onerror=alert(2)>';

export type Seeded = {
  base: string;
  workspace: { id: string; name: string; timezone: string };
  readKey: string;
  adminKey: string;
  ingestKey: string;
  events: number;
  rollup: { calls: number; converged: boolean; log: string[] };
  timings: Record<string, number>;
};

type Answer = { status: number; body: any; text: string; headers: Headers };

/** One API call; retried while wrangler reloads the Worker (503 or a dropped connection). */
export async function api(base: string, method: string, pathname: string, opts: { key?: string; body?: unknown; timeoutMs?: number } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const giveUpAt = Date.now() + 30_000;
  for (;;) {
    let res: Response;
    try {
      res = await fetch(`${base}${pathname}`, { method, headers, body: payload, signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000) });
    } catch (err) {
      const code = (err as { cause?: { code?: string } }).cause?.code ?? '';
      if (!['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET'].includes(code) || Date.now() > giveUpAt) throw err;
      await sleep(500);
      continue;
    }
    const text = await res.text();
    if (res.status === 503 && Date.now() < giveUpAt) {
      await sleep(500);
      continue;
    }
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, body, text, headers: res.headers };
  }
}

function expectStatus(res: Answer, status: number, what: string) {
  if (res.status !== status) throw new Error(`${what}: expected HTTP ${status}, got ${res.status} ${res.text.slice(0, 500)}`);
  return res.body;
}

/**
 * POST /v1/rollups {from, to}: the run, followed with GET /v1/rollups/:id until it is done (the
 * drain Workflow rolls the days up and rebuilds the reports in the background).
 */
async function rollup(base: string, adminKey: string, from: string, to: string): Promise<Seeded['rollup']> {
  const log: string[] = [];
  const run = expectStatus(await api(base, 'POST', '/v1/rollups', { key: adminKey, body: { from, to } }), 202, 'POST /v1/rollups');
  log.push(`${from}..${to} → run ${run.id} ${run.status}, ${run.daysDone}/${run.days} days`);
  for (let call = 1; call <= 1200; call++) {
    await new Promise((r) => setTimeout(r, 250));
    const r = expectStatus(await api(base, 'GET', `/v1/rollups/${run.id}`, { key: adminKey }), 200, 'GET /v1/rollups/:id');
    if (r.status === 'done') {
      log.push(`done after ${call} polls: ${r.daysDone}/${r.days} days`);
      return { calls: call, converged: true, log };
    }
    if (r.status === 'failed') throw new Error(`rollup run failed: ${r.error}\n${log.join('\n')}`);
  }
  throw new Error(`rollup run ${run.id} did not finish in 5 minutes:\n${log.join('\n')}`);
}

export async function seed(base: string, adminToken: string): Promise<Seeded> {
  const timings: Record<string, number> = {};
  let t = Date.now();
  const lap = (name: string) => {
    timings[name] = Date.now() - t;
    t = Date.now();
  };

  const ws = expectStatus(
    await api(base, 'POST', '/v1/workspaces', { key: adminToken, body: { name: 'Tienda Aurora · browser tests', timezone: TIMEZONE } }),
    201,
    'POST /v1/workspaces',
  );
  const admin: string = ws.keys.admin;
  for (const { key, ...body } of STAGES as { key: string }[]) expectStatus(await api(base, 'PUT', `/v1/stages/${key}`, { key: admin, body }), 200, `PUT /v1/stages/${key}`);
  const touchpoints = [
    ...(TOUCHPOINTS as { key: string }[]),
    { key: EVIL_KEY, name: EVIL_NAME, stage: 'purchase', channel: 'web', intentional: false, owner: EVIL_OWNER, critical: false },
  ];
  for (const { key, ...body } of touchpoints) expectStatus(await api(base, 'PUT', `/v1/touchpoints/${key}`, { key: admin, body }), 200, `PUT /v1/touchpoints/${key}`);
  // The worst answers open cases (a handful in the demo data), so the dashboard lists some.
  expectStatus(await api(base, 'PUT', '/v1/alert-rules/nps-very-low', { key: admin, body: { survey: 'nps', maxScore: 4 } }), 200, 'PUT /v1/alert-rules/nps-very-low');
  expectStatus(await api(base, 'PUT', '/v1/alert-rules/csat-very-low', { key: admin, body: { survey: 'csat', maxScore: 1 } }), 200, 'PUT /v1/alert-rules/csat-very-low');
  lap('configure');

  const endDay: string = localYesterday(TIMEZONE);
  const events: any[] = demoEvents({ days: DAYS, endDay, timezone: TIMEZONE });
  // The markup touchpoint gets a few interactions on the last days, so it has figures too.
  for (let i = 0; i < 12; i++) {
    const day = addDays(endDay, -(i % 6));
    events.push({
      type: 'interaction',
      messageId: `evil-${i}`,
      customerId: `cus-0000${(i % 9) + 1}`,
      touchpoint: EVIL_KEY,
      outcome: i % 3 === 0 ? 'failure' : 'success',
      sentiment: i % 3 === 0 ? -0.4 : 0.3,
      timestamp: `${day}T12:${String(10 + i).padStart(2, '0')}:00+01:00`,
    });
  }
  // A very low NPS answer about it opens a case assigned to its markup owner.
  events.push({ type: 'response', messageId: 'evil-nps', customerId: 'cus-00001', survey: 'nps', score: 0, touchpoint: EVIL_KEY, timestamp: `${addDays(endDay, -1)}T18:00:00+01:00` });
  const batches: unknown[][] = toBatches(events);
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const i = next++;
      const r = await api(base, 'POST', '/v1/events', { key: ws.keys.ingest, body: { batch: batches[i] }, timeoutMs: 120_000 });
      expectStatus(r, 202, `POST /v1/events (batch ${i + 1}/${batches.length})`);
    }
  };
  await Promise.all([worker(), worker()]);
  lap('ingest');

  const firstDay = events.reduce((min: string, e: { timestamp: string }) => (e.timestamp.slice(0, 10) < min ? e.timestamp.slice(0, 10) : min), endDay);
  const rolled = await rollup(base, admin, firstDay, endDay);
  lap('rollup');

  const read = expectStatus(await api(base, 'POST', '/v1/keys', { key: admin, body: { scope: 'read' } }), 201, 'POST /v1/keys');
  return {
    base,
    workspace: { id: ws.id, name: ws.name, timezone: ws.timezone },
    readKey: read.key,
    adminKey: admin,
    ingestKey: ws.keys.ingest,
    events: events.length,
    rollup: rolled,
    timings,
  };
}
