// Fills a fresh server with a realistic workspace through the public HTTP API only:
// the demo inventory of `npm start` (plus a touchpoint whose name and owner are markup),
// an alert rule, ~45 days of the demo's deterministic events, a rollup, and a read key.
// @ts-expect-error -- plain JavaScript module without type declarations
import { TOUCHPOINTS, addDays, demoEvents, localYesterday, toBatches } from '../../scripts/demo-data.mjs';
import { createApi, expectStatus, rollUp } from '../../scripts/lib/api.mjs';
import { configureDemo, sendBatches } from '../../scripts/lib/demo-seed.mjs';

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

export async function seed(base: string, adminToken: string): Promise<Seeded> {
  const api = createApi(base, { retryDelayMs: 500 });
  const timings: Record<string, number> = {};
  let t = Date.now();
  const lap = (name: string) => {
    timings[name] = Date.now() - t;
    t = Date.now();
  };

  const ws = expectStatus(
    await api('POST', '/v1/workspaces', { key: adminToken, body: { name: 'Tienda Aurora · browser tests', timezone: TIMEZONE } }),
    201,
    'POST /v1/workspaces',
  );
  const admin: string = ws.keys.admin;
  const touchpoints = [
    ...(TOUCHPOINTS as { key: string }[]),
    { key: EVIL_KEY, name: EVIL_NAME, stage: 'purchase', channel: 'web', intentional: false, owner: EVIL_OWNER, critical: false },
  ];
  await configureDemo(api, admin, { touchpoints });
  // The worst answers open cases (a handful in the demo data), so the dashboard lists some.
  expectStatus(await api('PUT', '/v1/alert-rules/nps-very-low', { key: admin, body: { survey: 'nps', maxScore: 4 } }), 200, 'PUT /v1/alert-rules/nps-very-low');
  expectStatus(await api('PUT', '/v1/alert-rules/csat-very-low', { key: admin, body: { survey: 'csat', maxScore: 1 } }), 200, 'PUT /v1/alert-rules/csat-very-low');
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
  await sendBatches(api, ws.keys.ingest, batches);
  lap('ingest');

  const firstDay = events.reduce((min: string, e: { timestamp: string }) => (e.timestamp.slice(0, 10) < min ? e.timestamp.slice(0, 10) : min), endDay);
  // A rollup run followed to done (or, before runs existed, the same call until nothing is pending).
  const run = await rollUp(api, admin, firstDay, endDay, { pollMs: 250, maxWaitMs: 300_000 });
  if (run.status !== 'done') throw new Error(`rollup ${run.status}: ${run.error ?? ''}\n${run.log.join('\n')}`);
  const rolled = { calls: run.calls, converged: true, log: run.log };
  lap('rollup');

  const read = expectStatus(await api('POST', '/v1/keys', { key: admin, body: { scope: 'read' } }), 201, 'POST /v1/keys');
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
