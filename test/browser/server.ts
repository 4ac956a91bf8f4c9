// Runs the Worker for the browser suite: `wrangler dev` on a free loopback port, with its
// own fresh local state (D1, KV, Queues) in a temporary directory, the migrations applied
// to that state first, and an ADMIN_TOKEN made up for this run. Nothing in the repository's
// `.dev.vars`, `.env` or `.wrangler/state` reaches it:
// - `--persist-to <tmp>` keeps D1/KV/Queues out of `.wrangler/state`;
// - `--env-file <tmp>/empty.env` makes wrangler read that file instead of `.dev.vars`/`.env`,
//   and CLOUDFLARE_INCLUDE_PROCESS_ENV=false keeps the shell's variables out of the bindings;
// - `--var ADMIN_TOKEN:<random>` sets the operator secret.
// Wrangler runs in its own process group, so that stopping it also stops workerd.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitForReady as waitForDev } from '../../scripts/lib/wrangler-dev.mjs';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
const WRANGLER_JS = path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 90_000;

export type Server = {
  base: string;
  adminToken: string;
  /** Everything wrangler printed so far (for failure messages). */
  output: () => string;
  stop: () => Promise<void>;
};

/** Keeps wrangler off the network and away from the developer's files and shell secrets. */
function wranglerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    WRANGLER_SEND_METRICS: 'false',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    CLOUDFLARE_INCLUDE_PROCESS_ENV: 'false',
    WRANGLER_HIDE_BANNER: 'true',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    CI: 'true',
    ...extra,
  };
}

type Child = { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>; output: () => string };

function spawnWrangler(args: string[]): Child {
  const child = spawn(process.execPath, [WRANGLER_JS, ...args], {
    cwd: ROOT,
    env: wranglerEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  const keep = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, exited, output: () => out };
}

async function stopGroup({ child, exited }: Child): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig); // the whole group: wrangler and workerd
    } catch {
      /* already gone */
    }
  };
  // Unref'd timers: a pending one would keep the test runner alive after the suite.
  const within = (ms: number) => Promise.race([exited.then(() => true), sleep(ms, false, { ref: false })]);
  signal('SIGTERM');
  if (!(await within(8_000))) {
    signal('SIGKILL');
    await within(3_000);
  }
  // workerd, wrangler's child in the same group, can outlive wrangler for a moment.
  const alive = () => {
    try {
      process.kill(-child.pid!, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (const giveUpAt = Date.now() + 5_000; alive() && Date.now() < giveUpAt; ) await sleep(100);
  if (alive()) signal('SIGKILL');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForReady(base: string, proc: Child): Promise<void> {
  try {
    await waitForDev(base, proc.exited, { timeoutMs: READY_TIMEOUT_MS });
  } catch (err) {
    throw new Error(`${(err as Error).message}:\n${proc.output().slice(-4000)}`);
  }
}

export async function startServer(): Promise<Server> {
  if (!fs.existsSync(WRANGLER_JS)) throw new Error(`${WRANGLER_JS} is missing: run npm ci`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trayecto-browser-'));
  const persist = path.join(dir, 'state');
  const envFile = path.join(dir, 'empty.env');
  fs.writeFileSync(envFile, '# Loaded instead of .dev.vars/.env: the browser suite sets its own variables.\n');
  const adminToken = randomBytes(24).toString('base64url');

  const migrate = spawnWrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persist]);
  const m = await migrate.exited;
  if (m.code !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`wrangler d1 migrations apply failed (${JSON.stringify(m)}):\n${migrate.output().slice(-4000)}`);
  }

  const [port, inspectorPort] = [await freePort(), await freePort()];
  const base = `http://${HOST}:${port}`;
  const dev = spawnWrangler([
    'dev',
    '--local',
    '--ip', HOST,
    '--port', String(port),
    '--inspector-ip', HOST,
    '--inspector-port', String(inspectorPort),
    '--persist-to', persist,
    '--env-file', envFile,
    '--var', `ADMIN_TOKEN:${adminToken}`,
    '--var', `SESSION_SECRET:${randomBytes(32).toString('base64url')}`,
    // The seed's import settles within seconds; its rollup run then starts without the
    // production wait (DRAIN_SETTLE_SECONDS = 60).
    '--var', 'DRAIN_SETTLE_SECONDS:2',
    '--show-interactive-dev-session=false',
    '--log-level', 'warn',
  ]);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopGroup(dev);
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    await waitForReady(base, dev);
  } catch (err) {
    await stop();
    throw err;
  }
  return { base, adminToken, output: dev.output, stop };
}
