// The HTTP path: Trayecto and the baseline Worker each under `wrangler dev --local` (the
// server `npm start` runs), on free loopback ports with their own temp state, driven over HTTP
// by a separate Node process (bench/http-load.mjs), so that the figures include everything a
// request pays in front of the Worker and none of the client's work runs in this process.
// Trayecto runs from a copy of wrangler.toml whose per-key and operator limits are lifted (the
// bench measures the Worker, not the limiter); everything else is the repo's config.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { HOST, freePort, spawnWrangler, stopGroup, waitForReady, wranglerEnv } from '../scripts/lib/wrangler-dev.mjs';
import { bodyMaker, createWorkspace } from './events.mjs';
import { jsonCall, request } from './load.mjs';
import { ROOT } from './runtime.mjs';

const READY_TIMEOUT_MS = 120_000;
const LIFTED = 1_000_000_000;
// Keep off the network and away from the developer's .dev.vars and shell (as the browser suite does).
const env = wranglerEnv({ CLOUDFLARE_INCLUDE_PROCESS_ENV: 'false', NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true' });

/** wrangler.toml with absolute paths and every limit but COMPUTE_LIMITER lifted, written into `dir`. */
export function trayectoConfig(dir) {
  let text = fs.readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8');
  const swap = (re, to) => {
    if (!re.test(text)) throw new Error(`wrangler.toml: ${re} not found`);
    text = text.replace(re, to);
  };
  swap(/^main = "src\/index\.ts"$/m, `main = ${JSON.stringify(path.join(ROOT, 'src/index.ts'))}`);
  swap(/^migrations_dir = "migrations"$/m, `migrations_dir = ${JSON.stringify(path.join(ROOT, 'migrations'))}`);
  const blocks = text.split('[[ratelimits]]');
  const lifted = blocks.map((b, i) => (i === 0 || /name = "COMPUTE_LIMITER"/.test(b) ? b : b.replace(/simple = \{ limit = \d+,/, `simple = { limit = ${LIFTED},`)));
  text = lifted.join('[[ratelimits]]');
  if ((text.match(new RegExp(`limit = ${LIFTED}`, 'g')) ?? []).length !== blocks.length - 2) throw new Error('wrangler.toml: could not lift the rate limits');
  const file = path.join(dir, 'wrangler.toml');
  fs.writeFileSync(file, text);
  return file;
}

async function run(args, label) {
  const proc = spawnWrangler(args, { env });
  const exit = await proc.exited;
  if (exit.code !== 0) throw new Error(`${label} failed (${JSON.stringify(exit)}):\n${proc.output().slice(-4000)}`);
}

/** Migrates a fresh state dir and starts `wrangler dev` on it; resolves once it answers `ready`. */
export async function startWorker(name, config, dir, { vars = {}, ready }) {
  const persist = path.join(dir, `${name}-state`);
  const envFile = path.join(dir, `${name}.env`);
  fs.writeFileSync(envFile, '# Read instead of .dev.vars/.env: the bench sets its own variables.\n');
  await run(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persist, '-c', config], `${name}: d1 migrations apply`);
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const base = `http://${HOST}:${port}`;
  const proc = spawnWrangler([
    'dev', '-c', config, '--local', '--ip', HOST, '--port', String(port), '--inspector-ip', HOST, '--inspector-port', String(inspectorPort),
    '--persist-to', persist, '--env-file', envFile, ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
    '--show-interactive-dev-session=false', '--log-level', 'warn',
  ], { env });
  const worker = { name, base, proc, stop: () => stopGroup(proc) };
  try {
    await waitForReady(base, proc.exited, { timeoutMs: READY_TIMEOUT_MS, ...ready });
  } catch (err) {
    await worker.stop();
    throw new Error(`${name}: ${err.message}\n${proc.output().slice(-4000)}`);
  }
  worker.group = proc.child.pid; // its own process group: wrangler's Node and workerd
  return worker;
}

/** The shape bench/events.mjs's createWorkspace expects of a runtime, over plain HTTP. */
const client = (base) => ({
  url: new URL(base),
  api: (method, pathname, opts) => jsonCall(base, method, pathname, opts),
});

/** A workspace with 5,000 demo events rolled up by a rollup run, so its standard reports are prebuilt in KV. */
async function readsWorkspace(api, adminToken, pool, log) {
  const ws = await createWorkspace(api, adminToken, 'Bench HTTP');
  const make = bodyMaker(pool.activity, 'http-reads');
  for (let i = 0; i < 5; i++) {
    const r = await api.api('POST', '/v1/events', { key: ws.keys.ingest, body: JSON.parse(make(1000)) });
    if (r.status !== 202) throw new Error(`seed: ${r.status} ${r.text.slice(0, 300)}`);
  }
  const days = pool.activity.map((e) => e.timestamp.slice(0, 10)).sort();
  const started = await api.api('POST', '/v1/rollups', { key: ws.keys.admin, body: { from: days[0], to: days.at(-1) } });
  if (started.status !== 202) throw new Error(`rollup: ${started.status} ${started.text.slice(0, 300)}`);
  for (const giveUpAt = Date.now() + 180_000; ; ) {
    const run = await api.api('GET', `/v1/rollups/${started.json.id}`, { key: ws.keys.admin });
    if (run.json?.status === 'done') break;
    if (run.json?.status === 'failed' || Date.now() > giveUpAt) throw new Error(`rollup run: ${run.text.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  log(`http: workspace ${ws.id} rolled up (${days[0]} … ${days.at(-1)})`);
  return ws;
}

/** Runs a bench script in its own Node process with `arg`; resolves with the JSON it wrote to `out`. */
function nodeProcess(script, arg, out, log) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bench', script), arg], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.setEncoding('utf8');
    let rest = '';
    child.stdout.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      for (const line of lines) log(`http: ${line}`);
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(fs.readFileSync(out, 'utf8'))) : reject(new Error(`bench/${script} exited with ${code}`))));
  });
}

export async function benchHttp({ quick, pool, log, dir }) {
  const adminToken = `bench-${randomBytes(24).toString('hex')}`;
  const workers = [];
  try {
    log('http: starting Trayecto and the baseline under wrangler dev --local');
    // Ingest starts no drain here (as in the in-process phases): the figures measure ingest alone.
    const trayecto = await startWorker('trayecto', trayectoConfig(dir), dir, { vars: { ADMIN_TOKEN: adminToken, DRAIN_ON_INGEST: 'false' }, ready: {} });
    workers.push(trayecto);
    const baseline = await startWorker('baseline', path.join(ROOT, 'bench', 'wrangler.baseline.toml'), dir, { ready: { path: '/', status: 404 } });
    workers.push(baseline);
    const setup = await request(new URL('/setup', baseline.base), { method: 'POST' });
    if (setup.text !== 'true') throw new Error(`baseline setup: ${setup.status} ${setup.text.slice(0, 300)}`);
    log(`http: Trayecto at ${trayecto.base}, baseline at ${baseline.base}`);
    const api = client(trayecto.base);
    const ws = await readsWorkspace(api, adminToken, pool, log);
    const ingestWs = await createWorkspace(api, adminToken, 'Bench HTTP ingest');
    const plan = {
      dir,
      quick,
      trayecto: { base: trayecto.base, group: trayecto.group },
      baseline: { base: baseline.base, group: baseline.group },
      ingest: { ws: ingestWs.id, tz: ingestWs.timezone, key: ingestWs.keys.ingest },
      reads: { key: ws.keys.read },
    };
    const out = path.join(dir, 'http-load.json');
    const load = await nodeProcess('http-load.mjs', JSON.stringify({ ...plan, out }), out, log);
    for (const w of workers.reverse()) await w.stop();
    workers.length = 0;
    // Our JavaScript alone on the same routes, to set beside workerd's CPU per request.
    log('http: the JavaScript of the request path alone (bench/request-js.mjs)');
    const js = await nodeProcess('request-js.mjs', path.join(dir, 'request-js.json'), path.join(dir, 'request-js.json'), log);
    return { ...load, js };
  } finally {
    for (const w of workers.reverse()) await w.stop();
  }
}
