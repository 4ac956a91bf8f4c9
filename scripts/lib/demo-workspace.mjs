// The demo workspace of npm start: created through the API once, remembered, loaded and rolled up.
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_DAYS, DEFAULT_SEED, DEMO_WORKSPACE, STAGES, TOUCHPOINTS, demoEvents, demoRange, localYesterday, toBatches } from '../demo-data.mjs';
import { api, describe, expectStatus } from './api.mjs';
import { DEV_VARS, warnIfNotIgnored } from './dev-vars.mjs';
import { fmt, log, rel, ROOT, seconds, StartError, warn } from './output.mjs';
import { run } from './processes.mjs';

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

async function configure(state) {
  const key = state.keys.admin;
  for (const { key: stage, ...body } of STAGES) {
    expectStatus(await api('PUT', `/v1/stages/${stage}`, { key, body }), 200, `PUT /v1/stages/${stage}`);
  }
  for (const { key: tp, ...body } of TOUCHPOINTS) {
    expectStatus(await api('PUT', `/v1/touchpoints/${tp}`, { key, body }), 200, `PUT /v1/touchpoints/${tp}`);
  }
  log(`Configured ${STAGES.length} journey stages and ${TOUCHPOINTS.length} touchpoints.`);
}

async function sendBatch(key, batch, n, total) {
  const attempts = 8;
  for (let attempt = 1; ; attempt++) {
    let res = null;
    let error = null;
    try {
      res = await api('POST', '/v1/events', { key, body: { batch }, timeoutMs: 300_000 });
    } catch (err) {
      error = err;
    }
    if (run.shuttingDown) return { accepted: 0, duplicates: 0 };
    if (res?.status === 202) return res.body;
    if (res && res.status < 500 && res.status !== 429) {
      throw new StartError(`POST /v1/events (batch ${n}/${total}) was refused: ${describe(res)}`);
    }
    if (attempt >= attempts) throw new StartError(`POST /v1/events (batch ${n}/${total}) kept failing: ${res ? describe(res) : error.message}`);
    // 5xx (e.g. 503 while wrangler reloads after a source change) or 429: nothing was
    // stored, and messageIds make a resend idempotent anyway, so send the same batch again.
    const retryAfter = Number(res?.headers.get('retry-after'));
    await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : Math.min(5_000, 1_000 * attempt));
  }
}

async function loadEvents(state) {
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
  let accepted = 0;
  let duplicates = 0;
  let next = skip;
  let done = skip;
  let lastPct = 0;
  let lastLogAt = Date.now();
  const acked = new Set();
  const worker = async () => {
    while (next < batches.length && !run.shuttingDown) {
      const i = next++;
      const r = await sendBatch(state.keys.ingest, batches[i], i + 1, batches.length);
      if (run.shuttingDown) return;
      accepted += r.accepted;
      duplicates += r.duplicates;
      done++;
      acked.add(i);
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
    }
  };
  await Promise.all(Array.from({ length: 2 }, worker));
  if (run.shuttingDown) return;
  log(`Loaded ${fmt(accepted)} events${duplicates ? ` (${fmt(duplicates)} were already stored)` : ''} in ${seconds(Date.now() - t0)}.`);
}

// Step 5: a rollup run for the loaded days: POST /v1/rollups starts it (the drain Workflow
// rolls the days up and rebuilds the reports), GET /v1/rollups/:id follows it to done.
async function rollup(state) {
  const { from, to } = state.data;
  const t0 = Date.now();
  const res = await api('POST', '/v1/rollups', { key: state.keys.admin, body: { from, to } });
  if (!res.ok) {
    warn(`POST /v1/rollups ${JSON.stringify({ from, to })} failed: ${describe(res)}. Reports stay incomplete until the hourly cron drains them.`);
    return;
  }
  let run = res.body;
  while (run.status === 'queued' || run.status === 'running') {
    progress(`Rolling up ${from} … ${to}`, run.daysDone, run.days);
    await sleep(500);
    if (run.shuttingDown) return;
    const next = await api('GET', `/v1/rollups/${run.id}`, { key: state.keys.admin });
    if (!next.ok) {
      warn(`GET /v1/rollups/${run.id} failed: ${describe(next)}.`);
      return;
    }
    run = next.body;
  }
  progress(`Rolling up ${from} … ${to}`, run.daysDone, run.days, true);
  if (run.status !== 'done') {
    warn(`The rollup run failed: ${run.error ?? 'unknown error'}. The hourly cron starts another drain.`);
    return;
  }
  state.rolledUp = true;
  writeState(state);
  log(`Rolled up ${from} … ${to} (${run.days} days) and rebuilt the reports in ${seconds(Date.now() - t0)}.`);
}

/** One line that redraws itself on a terminal: `label [#####.....] 12/90 days`. */
function progress(label, done, total, last = false) {
  const width = 30;
  const filled = total ? Math.round((done / total) * width) : 0;
  const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} days`;
  if (process.stdout.isTTY) process.stdout.write(`\r${line}${last ? '\n' : ''}`);
  else if (last || done === 0) console.log(line);
}

export async function ensureDemoWorkspace(adminToken) {
  let state = readState();
  if (state) {
    const res = await api('GET', '/v1/stages', { key: state.keys.admin });
    if (res.status === 200) {
      if (state.loaded) {
        log(`Reusing the demo workspace ${state.id} saved in ${rel(STATE_FILE)}.`);
        if (!state.rolledUp) await rollup(state);
        return { state, created: false };
      }
      log(`Finishing the demo workspace ${state.id}, whose loading was interrupted…`);
    } else if (res.status === 401 || res.status === 403) {
      log(`The demo workspace ${state.id} in ${rel(STATE_FILE)} is gone from the local database (GET /v1/stages: ${res.status}); creating a new one.`);
      state = null;
    } else {
      throw new StartError(`Checking the saved demo workspace with GET /v1/stages failed: ${describe(res)}`);
    }
  }
  if (!state) {
    log(`Creating the demo workspace "${DEMO_WORKSPACE.name}" (${DEMO_WORKSPACE.timezone})…`);
    const res = await api('POST', '/v1/workspaces', { key: adminToken, body: DEMO_WORKSPACE });
    if (res.status === 401) {
      throw new StartError(
        `POST /v1/workspaces refused the ADMIN_TOKEN from ${rel(DEV_VARS)} (401). If another \`wrangler dev\` started before the token existed, stop it and run \`npm start\` again.`,
      );
    }
    const ws = expectStatus(res, 201, 'POST /v1/workspaces');
    const endDay = localYesterday(ws.timezone);
    state = {
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
  }
  await configure(state);
  await loadEvents(state);
  if (run.shuttingDown) return { state, created: true };
  state.loaded = true;
  writeState(state);
  await rollup(state);
  return { state, created: true };
}
