// Runs the Worker for the browser suite: `wrangler dev` on a free loopback port, with its
// own fresh local state (D1, KV, Queues) in a temporary directory, the migrations applied
// to that state first, and an ADMIN_TOKEN made up for this run. Nothing in the repository's
// `.dev.vars`, `.env` or `.wrangler/state` reaches it:
// - `--persist-to <tmp>` keeps D1/KV/Queues out of `.wrangler/state`;
// - `--env-file <tmp>/empty.env` makes wrangler read that file instead of `.dev.vars`/`.env`,
//   and CLOUDFLARE_INCLUDE_PROCESS_ENV=false keeps the shell's variables out of the bindings;
// - `--var ADMIN_TOKEN:<random>` sets the operator secret.
// Wrangler runs in its own process group, so that stopping it also stops workerd.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HOST, ROOT, WRANGLER_JS, freePort, spawnWrangler, stopGroup, waitForReady, wranglerEnv, type Wrangler } from '../../scripts/lib/wrangler-dev.mjs';

export { ROOT };
const READY_TIMEOUT_MS = 90_000;

export type Server = {
  base: string;
  adminToken: string;
  /** Everything wrangler printed so far (for failure messages). */
  output: () => string;
  stop: () => Promise<void>;
};

/** Keeps wrangler off the network and away from the developer's files and shell secrets. */
const env = wranglerEnv({
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  CLOUDFLARE_INCLUDE_PROCESS_ENV: 'false',
  WRANGLER_HIDE_BANNER: 'true',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
  CI: 'true',
});

async function whenReady(base: string, proc: Wrangler): Promise<void> {
  try {
    await waitForReady(base, proc.exited, { timeoutMs: READY_TIMEOUT_MS });
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

  const migrate = spawnWrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persist], { env });
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
  ], { env });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopGroup(dev);
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    await whenReady(base, dev);
  } catch (err) {
    await stop();
    throw err;
  }
  return { base, adminToken, output: dev.output, stop };
}
