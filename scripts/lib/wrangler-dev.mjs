// What `npm start` and the browser suite share about running wrangler: spawning it in its
// own process group (so that stopping it reaches workerd too), an environment that keeps
// it off the network, loopback ports, readiness, and stopping the whole group.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WRANGLER_JS = path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
export const HOST = '127.0.0.1';

// No metrics, no npm update check (it rides on the banner), no download of the `Request.cf`
// sample from workers.cloudflare.com. `overrides` win over the caller's environment.
export function wranglerEnv(overrides = {}) {
  return {
    WRANGLER_HIDE_BANNER: 'true',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    ...process.env,
    WRANGLER_SEND_METRICS: 'false',
    ...overrides,
  };
}

/** Spawns wrangler with the Node that runs us; `output()` is the tail of what it printed. */
export function spawnWrangler(args, { env = wranglerEnv() } = {}) {
  const child = spawn(process.execPath, [WRANGLER_JS, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  // Decoded as a stream, so that a character split across two chunks stays whole.
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  let out = '';
  const keep = (chunk) => {
    out += String(chunk);
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, exited, output: () => out };
}

/** Copies a child's stream to `out` line by line, each line prefixed. */
export function forwardLines(stream, out, prefix) {
  let rest = '';
  stream.on('data', (chunk) => {
    const lines = (rest + String(chunk)).split(/\r?\n/);
    rest = lines.pop();
    for (const line of lines) out.write(`${prefix} ${line}\n`);
  });
  stream.on('end', () => {
    if (rest) out.write(`${prefix} ${rest}\n`);
    rest = '';
  });
}

/** Stops wrangler's process group: `signal`, then SIGKILL after `graceMs`, until workerd is gone too. */
export async function stopGroup({ child, exited }, { signal = 'SIGTERM', graceMs = 8_000 } = {}) {
  if (child.pid === undefined) return;
  const send = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      /* already gone */
    }
  };
  const alive = () => {
    try {
      process.kill(-child.pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  // Unref'd timers: a pending one would keep a test runner alive after the suite.
  const within = (ms) => Promise.race([exited.then(() => true), sleep(ms, false, { ref: false })]);
  send(signal);
  if (!(await within(graceMs))) {
    send('SIGKILL');
    await within(3_000);
  }
  // workerd, wrangler's child in the same group, can outlive wrangler for a moment.
  for (const giveUpAt = Date.now() + 5_000; alive() && Date.now() < giveUpAt; ) await sleep(100);
  if (alive()) send('SIGKILL');
}

/** A port free on the loopback address right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves if `port` can be listened on; rejects with the listen error (EADDRINUSE, …). */
export function assertPortFree(port) {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(port, HOST, () => srv.close(() => resolve()));
  });
}

/**
 * Waits until `base` answers GET `path` (default /openapi.json) with `status` (default 200).
 * `exited` settles when the wrangler process ends: then it throws at once (with `why(exit)`),
 * as it does after `timeoutMs`.
 */
export async function waitForReady(base, exited, { timeoutMs, why = (e) => JSON.stringify(e), path = '/openapi.json', status = 200 }) {
  const deadline = Date.now() + timeoutMs;
  let gone = null;
  void exited.then((r) => (gone = r));
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (gone) throw new Error(`wrangler dev stopped before the server was ready (${why(gone)})`);
    try {
      const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      if (res.status === status) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = String(err?.cause?.code ?? err?.message ?? err);
    }
    await sleep(250);
  }
  throw new Error(`${base}${path} did not answer ${status} within ${timeoutMs / 1000} s (last: ${last})`);
}
