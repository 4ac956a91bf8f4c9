// Runs the real Worker in-process with Miniflare (the library wrangler dev itself drives):
// src/index.ts bundled by esbuild, bindings read from wrangler.toml by wrangler's own
// unstable_getMiniflareWorkerOptions, D1/KV/Queues persisted to a temp dir so the bench can
// open the D1 SQLite file with node:sqlite. One workerd process hosts, besides Trayecto, the
// baseline Worker and the prefix-mounted variants, so every figure and its baseline share
// the runtime and the request path (Node HTTP → Miniflare entry → Worker).
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import * as esbuild from 'esbuild';
import { Miniflare, convertV4MiniflareOptions } from 'miniflare';
import { unstable_getMiniflareWorkerOptions, unstable_splitSqlQuery } from 'wrangler';
import { ROOT, WORKERD_BUNDLE } from './bundle.mjs';
import { jsonCall } from './load.mjs';

export { ROOT };
export const ADMIN_TOKEN = `bench-${randomBytes(16).toString('hex')}`;
export const BASELINE_DB = 'trayecto-bench-baseline';

/** Bundles the Worker, its bench variant and the baseline into `dir`. */
export async function buildWorkers(dir) {
  await esbuild.build({
    ...WORKERD_BUNDLE,
    entryPoints: { trayecto: 'src/index.ts', variant: 'bench/variant-entry.js', baseline: 'bench/baseline-worker.js' },
    outdir: dir,
    external: ['cloudflare:*', 'node:*'],
  });
  await esbuild.stop(); // its service process would otherwise count in nothing but stay alive
}

/** What wrangler.toml declares, and which optional features the Worker has today. */
export function readConfig() {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(path.join(ROOT, 'wrangler.toml'));
  const queueMode = Boolean(workerOptions.queueProducers?.INGEST_QUEUE);
  return { workerOptions, queueMode, ratelimits: Object.keys(workerOptions.ratelimits ?? {}) };
}

function workers(dir, { workerOptions, queueMode }) {
  const { modulesRules, rootPath, ...base } = workerOptions;
  // The bench measures the Worker, not the limiter: every configured limit is lifted.
  // The budget of uncached report computations per workspace stays: the isolation phase measures it.
  const ratelimits = Object.fromEntries(
    Object.entries(base.ratelimits ?? {}).map(([name, v]) => [name, name === 'COMPUTE_LIMITER' ? v : { ...v, simple: { limit: 1_000_000_000, period: 60 } }]),
  );
  // Ingest does not start drains here: the ingest figures measure ingest alone, and the drain
  // bench starts its drains with a cron tick.
  const bindings = { ...base.bindings, ADMIN_TOKEN, DRAIN_ON_INGEST: 'false' };
  // The drain Workflow lives in the main Worker; variants bind to it there.
  const workflows = Object.fromEntries(Object.entries(base.workflows ?? {}).map(([k, v]) => [k, { ...v, scriptName: 'trayecto' }]));
  const app = { ...base, ratelimits, bindings, rootPath: dir, modules: true };
  // Variants produce but never consume (a queue has one consumer: the main Worker) and have no cron.
  const variant = (prefix, extra, overrides = {}) => ({
    ...app,
    ...overrides,
    queueConsumers: {},
    cronTriggers: [],
    name: prefix.slice(3),
    scriptPath: 'variant.js',
    workflows,
    routes: [`*/${prefix.slice(1)}/*`],
    bindings: { ...bindings, BENCH_PREFIX: prefix, ...extra },
  });
  return [
    { ...app, name: 'trayecto', scriptPath: 'trayecto.js' },
    variant('/__profiled', { BENCH_PROFILE: '1' }),
    variant('/__direct', {}),
    // The same Worker without the per-workspace budget of uncached reports (the isolation phase's contrast).
    variant('/__unbudgeted', {}, { ratelimits: Object.fromEntries(Object.entries(ratelimits).map(([k, v]) => [k, { ...v, simple: { limit: 1_000_000_000, period: 60 } }])) }),
    ...(queueMode ? [variant('/__queued', { INGEST_MODE: 'queue' })] : []),
    {
      name: 'baseline',
      rootPath: dir,
      modules: true,
      scriptPath: 'baseline.js',
      compatibilityDate: base.compatibilityDate,
      routes: ['*/__baseline/*'],
      d1Databases: { DB: BASELINE_DB },
      kvNamespaces: base.kvNamespaces, // the same REPORTS namespace, for the read-path probes
      ratelimits, // the Worker's limiters (lifted), for the read-path probes
    },
  ];
}

/** The workerd child of this Node process (Miniflare spawns exactly one). */
export function workerdPid() {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [, comm, rest] = /^\d+ \((.*)\) (.*)$/s.exec(stat);
      if (comm === 'workerd' && Number(rest.split(' ')[1]) === process.pid) return Number(entry);
    } catch {
      /* process gone */
    }
  }
  return null;
}

export class Runtime {
  constructor(dir, config) {
    this.dir = dir;
    this.config = config;
    this.state = path.join(dir, 'state');
    this.sqlLog = []; // statements the profiled variant reports as they complete
  }

  // Worker output: the profiled variant's statement stream is kept, the rest shown as usual.
  onLog({ level, message }) {
    if (message.startsWith('[bench-sql] ')) this.sqlLog.push(JSON.parse(message.slice(12)));
    else if (level === 'error' || level === 'warn') process.stderr.write(`[workerd] ${message}\n`);
  }

  async start() {
    this.mf = new Miniflare(
      convertV4MiniflareOptions({
        resourcePersistencePath: this.state,
        cf: false, // never fetch a real `cf` object from the internet
        telemetry: { enabled: false },
        handleStructuredLogs: (entry) => this.onLog(entry),
        workers: workers(this.dir, this.config),
      }),
    );
    this.url = await this.mf.ready;
    this.pid = workerdPid();
    return this;
  }

  async stop() {
    await this.mf?.dispose();
    this.mf = null;
    this.pid = null;
  }

  /** One HTTP call to the Worker through Miniflare's server; JSON in and out. */
  api(method, pathname, opts) {
    return jsonCall(this.url, method, pathname, opts);
  }

  async d1(worker = 'trayecto') {
    return this.mf.getD1Database('DB', worker);
  }

  /** Applies every migrations/*.sql to Trayecto's and the baseline's databases. */
  async migrate() {
    const files = fs.readdirSync(path.join(ROOT, 'migrations')).filter((f) => f.endsWith('.sql')).sort();
    for (const worker of ['trayecto', 'baseline']) {
      const db = await this.d1(worker);
      for (const f of files) {
        const sql = fs.readFileSync(path.join(ROOT, 'migrations', f), 'utf8').replaceAll('--> statement-breakpoint', '');
        await db.batch(unstable_splitSqlQuery(sql).map((s) => db.prepare(s)));
      }
    }
  }

  /** Trayecto's D1 SQLite file (the one holding workspaces); read while Miniflare is stopped. */
  d1File() {
    const dir = path.join(this.state, 'd1', 'miniflare-D1DatabaseObject');
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.sqlite') && n !== 'metadata.sqlite')) {
      const db = new DatabaseSync(path.join(dir, f));
      try {
        if (db.prepare('SELECT count(*) AS n FROM workspaces').get().n > 0) return path.join(dir, f);
      } catch {
        /* not an app database */
      } finally {
        db.close();
      }
    }
    throw new Error(`no D1 file with workspaces under ${dir}`);
  }
}
