// npm start's child processes (wrangler), and stopping them on Ctrl-C or a failure.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { forward, log, paint, ROOT, StartError, tty } from './output.mjs';

const WRANGLER_JS = path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const children = new Set();
/** `shuttingDown`: Ctrl-C or a failure is stopping everything; work in progress gives up quietly. */
export const run = { shuttingDown: false };
export { WRANGLER_JS };

// Keeps wrangler off the network: no metrics, no npm update check (it rides on the banner),
// no download of the `Request.cf` sample from workers.cloudflare.com. The last two only
// as defaults that the caller's environment may override.
export function wranglerEnv(extra = {}) {
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
export function spawnWrangler(args, { env, label }) {
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

export async function stopChildren(signal) {
  const waiting = [...children].map(async (child) => {
    signalGroup(child, signal);
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 10_000);
    await child.exited;
    clearTimeout(timer);
  });
  await Promise.all(waiting);
}

export function onSignal(signal) {
  if (run.shuttingDown) return;
  run.shuttingDown = true;
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

export async function fail(err) {
  if (run.shuttingDown) return; // a request cut short by Ctrl-C: not an error
  run.shuttingDown = true;
  const msg = err instanceof StartError ? err.message : err?.stack || String(err);
  console.error(`\n${paint('31', '[start] error:')} ${msg}`);
  await stopChildren('SIGTERM').catch(() => {});
  process.exit(1);
}
