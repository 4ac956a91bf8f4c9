#!/usr/bin/env node
// `npm start`: runs Trayecto locally with a ready-to-explore demo workspace.
//
//  1. Makes sure `.dev.vars` (git-ignored) holds a random ADMIN_TOKEN and SESSION_SECRET.
//  2. Applies the D1 migrations to the local database.
//  3. Starts `wrangler dev` on http://127.0.0.1:8787 (local bindings only) and streams its output.
//  4. Creates the demo workspace "Demo — Tienda Aurora" through the API the first time (stages,
//     touchpoints, ~90 days of events) and remembers it in `.wrangler/demo-workspace.json`;
//     later starts check that it still exists and reuse it (scripts/lib/demo-workspace.mjs).
//  5. Starts a rollup run for the loaded days and follows it (a progress bar) to done.
//  6. Prints the URLs and demo keys, then runs until Ctrl-C / SIGTERM.
//
// Only node: built-ins, global fetch and the Worker's own modules; the only network peer is 127.0.0.1.
import fs from 'node:fs';
import { ApiError, createApi } from './lib/api.mjs';
import { STATE_FILE, ensureDemoWorkspace } from './lib/demo-workspace.mjs';
import { DEV_VARS, ensureSecret, rel } from './lib/dev-vars.mjs';
import { StartError, log, paint, seconds, fmt, tty } from './lib/output.mjs';
import { HOST, WRANGLER_JS, assertPortFree, forwardLines, spawnWrangler, stopGroup, waitForReady, wranglerEnv } from './lib/wrangler-dev.mjs';

const PORT = 8787;
const BASE = `http://${HOST}:${PORT}`;
const READY_TIMEOUT_MS = 120_000;

const startedAt = Date.now();
const children = new Set();
let shuttingDown = false;
const stopping = () => shuttingDown;

/** Spawns wrangler, streaming its output prefixed with `[label]`; tracked for shutdown. */
function run(args, { label, env = {} }) {
  const proc = spawnWrangler(args, { env: wranglerEnv({ ...(tty ? { FORCE_COLOR: '1' } : {}), ...env }) });
  children.add(proc);
  void proc.exited.then(() => children.delete(proc));
  const prefix = paint('90', `[${label}]`);
  forwardLines(proc.child.stdout, process.stdout, prefix);
  forwardLines(proc.child.stderr, process.stderr, prefix);
  return proc;
}

const stopChildren = (signal) => Promise.all([...children].map((proc) => stopGroup(proc, { signal, graceMs: 10_000 })));

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
  const msg = err instanceof StartError || err instanceof ApiError ? err.message : err?.stack || String(err);
  console.error(`\n${paint('31', '[start] error:')} ${msg}`);
  await stopChildren('SIGTERM').catch(() => {});
  process.exit(1);
}

const exitText = (e) => (e.error ? e.error.message : e.signal ?? `exit code ${e.code}`);

async function applyMigrations() {
  log('Applying D1 migrations to the local database…');
  const { code, signal, error } = await run(['d1', 'migrations', 'apply', 'DB', '--local'], { label: 'migrate', env: { CI: 'true' } }).exited;
  if (shuttingDown) return;
  if (error) throw new StartError(`Could not run wrangler: ${error.message}`);
  if (code !== 0) throw new StartError(`\`wrangler d1 migrations apply DB --local\` failed (${signal ?? `exit ${code}`}); see its output above.`);
}

async function startWrangler() {
  log(`Starting wrangler dev on ${BASE} (local bindings only)…`);
  // The demo import settles within seconds: its drain need not wait the production minute.
  const vars = ['--var', 'DRAIN_SETTLE_SECONDS:2'];
  const proc = run(['dev', '--local', '--ip', HOST, '--port', String(PORT), ...vars, '--show-interactive-dev-session=false'], { label: 'wrangler' });
  try {
    await waitForReady(BASE, proc.exited, { timeoutMs: READY_TIMEOUT_MS, why: exitText });
  } catch (err) {
    throw new StartError(`${err.message}; see its output above.`);
  }
  return proc;
}

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

async function main() {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);

  if (!fs.existsSync(WRANGLER_JS)) throw new StartError(`wrangler is not installed (${rel(WRANGLER_JS)} is missing): run \`npm ci\` first.`);

  ensureSecret('SESSION_SECRET'); // signs dashboard sessions; never derived from ADMIN_TOKEN
  const adminToken = ensureSecret('ADMIN_TOKEN');
  await assertPortFree(PORT).catch((err) => {
    throw new StartError(
      err.code === 'EADDRINUSE'
        ? `Port ${PORT} on ${HOST} is already in use (another \`npm start\` or \`wrangler dev\`?). Stop it and run \`npm start\` again.`
        : `Cannot listen on ${HOST}:${PORT}: ${err.message}`,
    );
  });
  await applyMigrations();
  if (shuttingDown) return;

  const wrangler = await startWrangler();
  log(`Server is up (${seconds(Date.now() - startedAt)} since start).`);

  const state = await ensureDemoWorkspace(createApi(BASE, { stopping }), adminToken, stopping);
  if (shuttingDown) return;
  banner(state);

  const exit = await wrangler.exited;
  if (shuttingDown) return;
  throw new StartError(`wrangler dev stopped unexpectedly (${exitText(exit)}); see its output above.`);
}

main().catch(fail);
