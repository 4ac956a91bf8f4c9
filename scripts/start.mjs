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

import fs from 'node:fs';
import net from 'node:net';
import { BASE, HOST, PORT } from './lib/api.mjs';
import { DEV_VARS, ensureAdminToken } from './lib/dev-vars.mjs';
import { ensureDemoWorkspace, STATE_FILE } from './lib/demo-workspace.mjs';
import { fmt, log, paint, rel, seconds, StartError } from './lib/output.mjs';
import { fail, onSignal, run, spawnWrangler, wranglerEnv, WRANGLER_JS } from './lib/processes.mjs';
import { waitForReady as waitForDev } from './lib/wrangler-dev.mjs';

const READY_TIMEOUT_MS = 120_000;
const startedAt = Date.now();

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
  if (run.shuttingDown) return;
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
  if (run.shuttingDown) return;

  const wrangler = startWrangler();
  await waitForReady(wrangler);
  log(`Server is up (${seconds(Date.now() - startedAt)} since start).`);

  const { state } = await ensureDemoWorkspace(adminToken);
  if (run.shuttingDown) return;
  banner(state);

  const { code, signal, error } = await wrangler.exited;
  if (run.shuttingDown) return;
  throw new StartError(`wrangler dev stopped unexpectedly (${error ? error.message : signal ?? `exit code ${code}`}); see its output above.`);
}

main().catch(fail);
