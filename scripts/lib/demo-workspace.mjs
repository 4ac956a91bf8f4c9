// `npm start`'s demo workspace: created through the API the first time (stages, touchpoints,
// ~90 days of events, a rollup run) and remembered in `.wrangler/demo-workspace.json`;
// later starts check that it still exists and reuse it, or finish an interrupted load.
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_DAYS, DEFAULT_SEED, DEMO_WORKSPACE, demoEvents, demoRange, localYesterday, toBatches } from '../demo-data.mjs';
import { describe, expectStatus, progressBar, rollUp } from './api.mjs';
import { configureDemo, sendBatches } from './demo-seed.mjs';
import { DEV_VARS, rel, warnIfNotIgnored } from './dev-vars.mjs';
import { StartError, fmt, log, seconds, warn } from './output.mjs';
import { ROOT } from './wrangler-dev.mjs';

export const STATE_FILE = path.join(ROOT, '.wrangler', 'demo-workspace.json');
const STATE_VERSION = 1;

function readState() {
  let text;
  try {
    text = fs.readFileSync(STATE_FILE, 'utf8');
  } catch (err) {
    if (err.code === 'ENOENT') return null;
    throw new StartError(`Cannot read ${rel(STATE_FILE)}: ${err.message}`);
  }
  try {
    const state = JSON.parse(text);
    if (typeof state?.id === 'string' && typeof state?.keys?.admin === 'string' && typeof state?.keys?.ingest === 'string' && typeof state?.keys?.read === 'string') {
      return state;
    }
  } catch {
    /* fall through */
  }
  warn(`${rel(STATE_FILE)} is unreadable; a new demo workspace will be created.`);
  return null;
}

function writeState(state) {
  fs.mkdirSync(path.dirname(STATE_FILE), { recursive: true });
  const tmp = `${STATE_FILE}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, STATE_FILE);
}

async function loadEvents(api, state, stopping) {
  const { days, endDay, seed } = state.data;
  const t0 = Date.now();
  const events = demoEvents({ days, endDay, seed, timezone: state.timezone });
  const batches = toBatches(events);
  const customers = new Set(events.map((e) => e.customerId)).size;
  // Batches acknowledged by an earlier, interrupted start (the generator is deterministic).
  const skip = state.data.batches === batches.length ? Math.min(state.data.sentBatches ?? 0, batches.length) : 0;
  Object.assign(state.data, { events: events.length, customers, batches: batches.length, sentBatches: skip });
  writeState(state);
  log(
    `Sending ${fmt(events.length)} demo events (${fmt(customers)} customers, ${state.data.firstDay} … ${endDay}) in ${batches.length} batches` +
      `${skip ? `, resuming after batch ${skip}` : ''}…`,
  );
  let done = skip;
  let lastPct = 0;
  let lastLogAt = Date.now();
  const acked = new Set();
  const onBatch = (i) => {
    done++;
    acked.add(i);
    // Only the unbroken prefix of acknowledged batches is saved as sent.
    let prefix = state.data.sentBatches;
    while (acked.has(prefix)) acked.delete(prefix++);
    if (prefix !== state.data.sentBatches) {
      state.data.sentBatches = prefix;
      writeState(state);
    }
    const pct = Math.floor((100 * done) / batches.length);
    if (pct >= lastPct + 25 || done === batches.length || Date.now() - lastLogAt > 15_000) {
      lastPct = pct - (pct % 25);
      lastLogAt = Date.now();
      log(`  … ${done}/${batches.length} batches (${pct}%, ${seconds(Date.now() - t0)})`);
    }
  };
  const { accepted, duplicates } = await sendBatches(api, state.keys.ingest, batches, { from: skip, stopping, onBatch });
  if (stopping()) return;
  log(`Loaded ${fmt(accepted)} events${duplicates ? ` (${fmt(duplicates)} were already stored)` : ''} in ${seconds(Date.now() - t0)}.`);
}

// A rollup run for the loaded days (the drain Workflow rolls them up and rebuilds the reports).
async function rollup(api, state, stopping) {
  const { from, to } = state.data;
  const t0 = Date.now();
  const label = `Rolling up ${from} … ${to}`;
  let run;
  try {
    run = await rollUp(api, state.keys.admin, from, to, { stopping, onProgress: (done, total) => progressBar(label, done, total) });
  } catch (err) {
    warn(`${err.message}. Reports stay incomplete until the hourly cron drains them.`);
    return;
  }
  if (run.status === 'stopped') return;
  progressBar(label, run.daysDone, run.days, { last: true });
  if (run.status !== 'done') {
    warn(`The rollup run failed: ${run.error ?? 'unknown error'}. The hourly cron starts another drain.`);
    return;
  }
  state.rolledUp = true;
  writeState(state);
  log(`Rolled up ${from} … ${to} (${run.days} days) and rebuilt the reports in ${seconds(Date.now() - t0)}.`);
}

async function createWorkspace(api, adminToken) {
  log(`Creating the demo workspace "${DEMO_WORKSPACE.name}" (${DEMO_WORKSPACE.timezone})…`);
  const res = await api('POST', '/v1/workspaces', { key: adminToken, body: DEMO_WORKSPACE });
  if (res.status === 401) {
    throw new StartError(
      `POST /v1/workspaces refused the ADMIN_TOKEN from ${rel(DEV_VARS)} (401). If another \`wrangler dev\` started before the token existed, stop it and run \`npm start\` again.`,
    );
  }
  const ws = expectStatus(res, 201, 'POST /v1/workspaces');
  const endDay = localYesterday(ws.timezone);
  const state = {
    version: STATE_VERSION,
    id: ws.id,
    name: ws.name,
    timezone: ws.timezone,
    keys: ws.keys,
    createdAt: new Date().toISOString(),
    data: { days: DEFAULT_DAYS, seed: DEFAULT_SEED, endDay, ...demoRange({ days: DEFAULT_DAYS, endDay }) },
    loaded: false,
    rolledUp: false,
  };
  writeState(state);
  warnIfNotIgnored(STATE_FILE);
  return state;
}

/** The demo workspace's saved state, created, finished or reused as needed. */
export async function ensureDemoWorkspace(api, adminToken, stopping) {
  let state = readState();
  if (state) {
    const res = await api('GET', '/v1/stages', { key: state.keys.admin });
    if (res.status === 200) {
      if (state.loaded) {
        log(`Reusing the demo workspace ${state.id} saved in ${rel(STATE_FILE)}.`);
        if (!state.rolledUp) await rollup(api, state, stopping);
        return state;
      }
      log(`Finishing the demo workspace ${state.id}, whose loading was interrupted…`);
    } else if (res.status === 401 || res.status === 403) {
      log(`The demo workspace ${state.id} in ${rel(STATE_FILE)} is gone from the local database (GET /v1/stages: ${res.status}); creating a new one.`);
      state = null;
    } else {
      throw new StartError(`Checking the saved demo workspace with GET /v1/stages failed: ${describe(res)}`);
    }
  }
  state ??= await createWorkspace(api, adminToken);
  const configured = await configureDemo(api, state.keys.admin);
  log(`Configured ${configured.stages} journey stages, ${configured.touchpoints} touchpoints and ${configured.themes} themes.`);
  await loadEvents(api, state, stopping);
  if (stopping()) return state;
  state.loaded = true;
  writeState(state);
  await rollup(api, state, stopping);
  return state;
}
