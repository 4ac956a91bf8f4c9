#!/usr/bin/env node
// `npm start`: runs Trayecto locally with a ready-to-explore demo workspace.
//
//  1. Makes sure `.dev.vars` (git-ignored) holds a random ADMIN_TOKEN and SESSION_SECRET.
//  2. Applies the D1 migrations to the local database.
//  3. Starts `wrangler dev` on http://127.0.0.1:8787 (local bindings only) and streams its output.
//  4. Creates the demo workspace "Demo — Tienda Aurora" through the API the first time (stages,
//     touchpoints, ~90 days of events) and remembers it in `.wrangler/demo-workspace.json`;
//     later starts check that it still exists and reuse it.
//  5. Starts a rollup run for the loaded days and follows it (a progress bar) to done.
//  6. Prints the URLs and demo keys, then runs until Ctrl-C / SIGTERM.
//
// Only node: built-ins and global fetch; the only network peer is 127.0.0.1.

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_DAYS,
  DEFAULT_SEED,
  DEMO_WORKSPACE,
  STAGES,
  TOUCHPOINTS,
  demoEvents,
  demoRange,
  localYesterday,
  toBatches,
} from './demo-data.mjs';
import { waitForReady as waitForDev } from './lib/wrangler-dev.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HOST = '127.0.0.1';
const PORT = 8787;
const BASE = `http://${HOST}:${PORT}`;
const DEV_VARS = path.join(ROOT, '.dev.vars');
const STATE_FILE = path.join(ROOT, '.wrangler', 'demo-workspace.json');
const WRANGLER_JS = path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const READY_TIMEOUT_MS = 120_000;
const STATE_VERSION = 1;

const startedAt = Date.now();
const children = new Set();
let shuttingDown = false;

class StartError extends Error {}

// ---------------------------------------------------------------------------------------
// Output

const tty = process.stdout.isTTY;
const paint = (code, s) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
const log = (msg) => console.log(`${paint('36', '[start]')} ${msg}`);
const warn = (msg) => console.error(`${paint('33', '[start] warning:')} ${msg}`);
const rel = (p) => path.relative(ROOT, p);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const fmt = (n) => n.toLocaleString('en-US');

/** Copies a child's output to ours line by line, prefixed. */
function forward(stream, out, prefix) {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    const lines = (rest + chunk).split(/\r?\n/);
    rest = lines.pop();
    for (const line of lines) out.write(`${prefix} ${line}\n`);
  });
  stream.on('end', () => {
    if (rest) out.write(`${prefix} ${rest}\n`);
    rest = '';
  });
}

// ---------------------------------------------------------------------------------------
// Child processes and shutdown

// Keeps wrangler off the network: no metrics, no npm update check (it rides on the banner),
// no download of the `Request.cf` sample from workers.cloudflare.com. The last two only
// as defaults that the caller's environment may override.
function wranglerEnv(extra = {}) {
  return {
    WRANGLER_HIDE_BANNER: 'true',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    ...process.env,
    WRANGLER_SEND_METRICS: 'false',
    ...(tty ? { FORCE_COLOR: '1' } : {}),
    ...extra,
  };
}

/** Spawns wrangler (with the Node that runs us), streaming its output. */
function spawnWrangler(args, { env, label }) {
  // Its own process group, so that stopping it reaches wrangler's own children (workerd) too.
  const child = spawn(process.execPath, [WRANGLER_JS, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.add(child);
  const prefix = paint('90', `[${label}]`);
  forward(child.stdout, process.stdout, prefix);
  forward(child.stderr, process.stderr, prefix);
  child.exited = new Promise((resolve) => {
    child.once('error', (err) => {
      children.delete(child);
      resolve({ code: null, signal: null, error: err });
    });
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  return child;
}

function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

async function stopChildren(signal) {
  const waiting = [...children].map(async (child) => {
    signalGroup(child, signal);
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 10_000);
    await child.exited;
    clearTimeout(timer);
  });
  await Promise.all(waiting);
}

function onSignal(signal) {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log('');
  log(`${signal} received: stopping wrangler…`);
  stopChildren(signal).then(
    () => {
      log('Stopped.');
      process.exit(0);
    },
    () => process.exit(1),
  );
}

async function fail(err) {
  if (shuttingDown) return; // a request cut short by Ctrl-C: not an error
  shuttingDown = true;
  const msg = err instanceof StartError ? err.message : err?.stack || String(err);
  console.error(`\n${paint('31', '[start] error:')} ${msg}`);
  await stopChildren('SIGTERM').catch(() => {});
  process.exit(1);
}

// ---------------------------------------------------------------------------------------
// Step 1: .dev.vars with ADMIN_TOKEN

function parseDotenv(text) {
  const vars = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    let v = m[2];
    if (/^(["']).*\1$/.test(v)) v = v.slice(1, -1);
    else v = v.replace(/\s+#.*$/, '');
    vars[m[1]] = v;
  }
  return vars;
}

function warnIfNotIgnored(file) {
  const r = spawnSync('git', ['check-ignore', '-q', rel(file)], { cwd: ROOT, stdio: 'ignore' });
  if (r.status === 1) warn(`${rel(file)} is not git-ignored: add it to .gitignore so that its secrets never get committed.`);
}

/** A random secret `name` in .dev.vars, written once (the Worker refuses weak or missing ones). */
function ensureSecret(name) {
  let text = '';
  try {
    text = fs.readFileSync(DEV_VARS, 'utf8');
  } catch (err) {
    if (err.code !== 'ENOENT') throw new StartError(`Cannot read ${rel(DEV_VARS)}: ${err.message}`);
  }
  const existing = parseDotenv(text)[name];
  if (existing) {
    log(`Using ${name} from ${rel(DEV_VARS)}.`);
  } else {
    const line = `${name}=${randomBytes(32).toString('base64url')}\n`;
    try {
      if (text) fs.appendFileSync(DEV_VARS, `${text.endsWith('\n') ? '' : '\n'}${line}`);
      else fs.writeFileSync(DEV_VARS, `# Local secrets for \`wrangler dev\` (git-ignored). Created by \`npm start\`.\n${line}`, { mode: 0o600 });
    } catch (err) {
      throw new StartError(`Cannot write ${rel(DEV_VARS)}: ${err.message}`);
    }
    log(`${text ? 'Added' : 'Created'} a random ${name} in ${rel(DEV_VARS)}.`);
  }
  warnIfNotIgnored(DEV_VARS);
  return existing || parseDotenv(fs.readFileSync(DEV_VARS, 'utf8'))[name];
}

function ensureAdminToken() {
  ensureSecret('SESSION_SECRET'); // signs dashboard sessions; never derived from ADMIN_TOKEN
  return ensureSecret('ADMIN_TOKEN');
}

// ---------------------------------------------------------------------------------------
// Steps 2–3: migrations, wrangler dev

async function assertPortFree() {
  await new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', (err) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new StartError(`Port ${PORT} on ${HOST} is already in use (another \`npm start\` or \`wrangler dev\`?). Stop it and run \`npm start\` again.`)
          : new StartError(`Cannot listen on ${HOST}:${PORT}: ${err.message}`),
      ),
    );
    srv.listen(PORT, HOST, () => srv.close(resolve));
  });
}

async function applyMigrations() {
  log('Applying D1 migrations to the local database…');
  const child = spawnWrangler(['d1', 'migrations', 'apply', 'DB', '--local'], { env: wranglerEnv({ CI: 'true' }), label: 'migrate' });
  const { code, signal, error } = await child.exited;
  if (shuttingDown) return;
  if (error) throw new StartError(`Could not run wrangler: ${error.message}`);
  if (code !== 0) throw new StartError(`\`wrangler d1 migrations apply DB --local\` failed (${signal ?? `exit ${code}`}); see its output above.`);
}

function startWrangler() {
  log(`Starting wrangler dev on ${BASE} (local bindings only)…`);
  // The demo import settles within seconds: its drain need not wait the production minute.
  const vars = ['--var', 'DRAIN_SETTLE_SECONDS:2'];
  return spawnWrangler(['dev', '--local', '--ip', HOST, '--port', String(PORT), ...vars, '--show-interactive-dev-session=false'], {
    env: wranglerEnv(),
    label: 'wrangler',
  });
}

async function waitForReady(child) {
  const why = (e) => (e.error ? e.error.message : e.signal ?? `exit code ${e.code}`);
  try {
    await waitForDev(BASE, child.exited, { timeoutMs: READY_TIMEOUT_MS, why });
  } catch (err) {
    throw new StartError(`${err.message}; see its output above.`);
  }
}

// ---------------------------------------------------------------------------------------
// API calls

/**
 * One API call. While wrangler reloads the Worker (another engineer saved a file in src/)
 * it answers 503 or drops the connection; such calls are retried for up to 30 s.
 */
async function api(method, pathname, { key, body, timeoutMs = 60_000 } = {}) {
  const headers = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const giveUpAt = Date.now() + 30_000;
  for (;;) {
    let res;
    try {
      res = await fetch(`${BASE}${pathname}`, { method, headers, body: payload, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      const transient = ['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET'].includes(err.cause?.code);
      if (!transient || shuttingDown || Date.now() > giveUpAt) {
        throw new StartError(`${method} ${pathname} failed: ${err.cause?.message ?? err.message}`);
      }
      await sleep(1_000);
      continue;
    }
    const text = await res.text();
    if (res.status === 503 && !shuttingDown && Date.now() < giveUpAt) {
      await sleep(1_000);
      continue;
    }
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, ok: res.ok, headers: res.headers, body: json, text };
  }
}

/** A one-line account of an answer: the problem's title, detail and first field errors. */
function describe(res) {
  const b = res.body;
  if (b && typeof b === 'object' && (b.title || b.detail)) {
    const errors = Array.isArray(b.errors) ? b.errors : [];
    const listed = errors
      .slice(0, 5)
      .map((e) => `${e.path || '(body)'}: ${e.message}`)
      .join('; ');
    const more = errors.length > 5 ? ` (+${errors.length - 5} more)` : '';
    return `HTTP ${res.status} ${b.title ?? ''} — ${String(b.detail ?? '').replace(/\.$/, '')}${listed ? ` [${listed}${more}]` : ''}`;
  }
  return `HTTP ${res.status} ${res.text.slice(0, 300)}`;
}

function expectStatus(res, status, what) {
  if (res.status !== status) throw new StartError(`${what}: expected HTTP ${status}, got ${describe(res)}`);
  return res.body;
}

// ---------------------------------------------------------------------------------------
// Step 4: the demo workspace

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
    if (shuttingDown) return { accepted: 0, duplicates: 0 };
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
    while (next < batches.length && !shuttingDown) {
      const i = next++;
      const r = await sendBatch(state.keys.ingest, batches[i], i + 1, batches.length);
      if (shuttingDown) return;
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
  if (shuttingDown) return;
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
    if (shuttingDown) return;
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

async function ensureDemoWorkspace(adminToken) {
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
  if (shuttingDown) return { state, created: true };
  state.loaded = true;
  writeState(state);
  await rollup(state);
  return { state, created: true };
}

// ---------------------------------------------------------------------------------------
// Step 6: banner

function banner(state) {
  const line = paint('90', '─'.repeat(72));
  const row = (label, value) => `  ${label.padEnd(15)} ${value}`;
  const d = state.data;
  const out = [
    '',
    line,
    `  ${paint('1', 'Trayecto is running')} at ${paint('1', BASE)}  (ready in ${seconds(Date.now() - startedAt)})`,
    row('API docs', `${BASE}/docs`),
    row('OpenAPI', `${BASE}/openapi.json`),
    row('Dashboard', `${BASE}/dashboard  (sign in with the read key)`),
    '',
    `  Demo workspace ${paint('1', state.id)} — ${state.name} (${state.timezone})`,
    row('ingest key', state.keys.ingest),
    row('read key', state.keys.read),
    row('admin key', state.keys.admin),
    row('demo data', `${d.firstDay} … ${d.to}${d.events ? `: ${fmt(d.events)} events, ${fmt(d.customers)} customers` : ''}${state.rolledUp ? '' : ' (not rolled up)'}`),
    row('saved in', rel(STATE_FILE)),
    '',
    row('ADMIN_TOKEN', `in ${rel(DEV_VARS)} (creates workspaces; not shown)`),
    row('try', `curl -H "Authorization: Bearer ${state.keys.admin}" ${BASE}/v1/touchpoints`),
    '',
    '  Press Ctrl-C to stop.',
    line,
    '',
  ];
  console.log(out.join('\n'));
}

// ---------------------------------------------------------------------------------------

async function main() {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);

  if (!fs.existsSync(WRANGLER_JS)) throw new StartError(`wrangler is not installed (${rel(WRANGLER_JS)} is missing): run \`npm ci\` first.`);

  const adminToken = ensureAdminToken();
  await assertPortFree();
  await applyMigrations();
  if (shuttingDown) return;

  const wrangler = startWrangler();
  await waitForReady(wrangler);
  log(`Server is up (${seconds(Date.now() - startedAt)} since start).`);

  const { state } = await ensureDemoWorkspace(adminToken);
  if (shuttingDown) return;
  banner(state);

  const { code, signal, error } = await wrangler.exited;
  if (shuttingDown) return;
  throw new StartError(`wrangler dev stopped unexpectedly (${error ? error.message : signal ?? `exit code ${code}`}); see its output above.`);
}

main().catch(fail);
