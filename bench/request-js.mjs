#!/usr/bin/env node
// The JavaScript of Trayecto's request path alone: src/app.ts bundled as for workerd and run in
// Node (the same V8) with bindings that answer at once, so that what remains is our code —
// routing, middleware, auth's hashing, body parsing, validation, row building — and none of
// the runtime's binding calls; and the baseline Worker's own JavaScript (bench/baseline-worker.js:
// parse, rows) for the same batch. CPU time of this process per request (the machine is shared:
// wall time would count others' work), the best of 5 chunks. The HTTP phase runs it
// (`bench/http.mjs`) and sets it beside workerd's CPU per request; `node bench/request-js.mjs`
// prints it alone. Usage: request-js.mjs [out.json]
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { WORKERD_BUNDLE } from './bundle.mjs';
import { bodyMaker, eventPool } from './events.mjs';


const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trayecto-request-js-'));
await esbuild.build({
  ...WORKERD_BUNDLE,
  entryPoints: { app: 'src/app.ts', d1: 'src/platform/d1.ts', baseline: 'bench/baseline-worker.js' },
  outdir: outDir,
  splitting: true,
  // The drain Workflow's and the probe Durable Object's base classes are workerd's; nothing timed here runs them.
  plugins: [{ name: 'cloudflare-workers', setup(b) {
    b.onResolve({ filter: /^cloudflare:workers$/ }, () => ({ path: 'cf', namespace: 'cf' }));
    b.onLoad({ filter: /.*/, namespace: 'cf' }, () => ({ contents: 'export class WorkflowEntrypoint {}\nexport class DurableObject {}' }));
  } }],
});
await esbuild.stop();
// workerd's non-standard constant-time compare, for Node.
crypto.subtle.timingSafeEqual = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
const errors = [];
console.error = (...a) => errors.push(a.join(' '));
const { createApp } = await import(pathToFileURL(path.join(outDir, 'app.js')).href);
const { guardEnv } = await import(pathToFileURL(path.join(outDir, 'd1.js')).href);
const { default: baseline } = await import(pathToFileURL(path.join(outDir, 'baseline.js')).href);
fs.rmSync(outDir, { recursive: true, force: true });

// Bindings answering at once: the key row for the key lookup, a report body for KV, a limiter that never refuses.
const secret = 'a'.repeat(43);
const keyOf = (scope) => `tr_${scope}_0123456789abcdef_${secret}`;
const keyRow = { workspace_id: 'ws_bench', secret_hash: createHash('sha256').update(secret).digest('hex'), timezone: 'Europe/Madrid', report_gen: 1 };
let scope = 'ingest';
const statement = (sql) => ({
  bind() { return this; },
  async first() { return sql.includes('FROM api_keys k') ? { ...keyRow, scope } : null; },
  async all() { return { results: [], meta: {} }; },
  async run() { return { meta: {} }; },
  async raw() { return []; },
});
const report = JSON.stringify({ from: '2026-11-01', to: '2026-11-30', metrics: {}, padding: 'x'.repeat(3000) });
const limiter = { async limit() { return { success: true }; } };
const env = {
  DB: { prepare: statement, async batch(list) { return list.map((_, i) => ({ results: [], meta: { changes: i === 0 ? 500 : 0 } })); } },
  REPORTS: { async getWithMetadata() { return { value: report, metadata: { etag: '"bench"', complete: true } }; }, async put() {} },
  API_LIMITER: limiter, INGEST_LIMITER: limiter, COMPUTE_LIMITER: limiter,
  ADMIN_TOKEN: 'x'.repeat(40), DRAIN_ON_INGEST: 'false', INGEST_MODE: 'direct',
};
const ctx = { waitUntil() {}, passThroughOnException() {} };

const make = bodyMaker(eventPool().activity, 'js');
const keyed = (s, url, init = {}) => () => ((scope = s), new Request(url, { ...init, headers: { ...init.headers, authorization: `Bearer ${keyOf(s)}` } }));
const post = (size) => keyed('ingest', 'http://bench/v1/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: size === 1 ? make(1).slice(10, -2) : make(size) });
const ROUTES = {
  'GET / (302)': [() => new Request('http://bench/'), 302, 3000],
  'GET an unknown route (404)': [() => new Request('http://bench/v1/no-such-route'), 404, 3000],
  'GET /v1/whoami': [keyed('read', 'http://bench/v1/whoami'), 200, 3000],
  'GET /v1/reports/summary?period=30d (memory hit)': [keyed('read', 'http://bench/v1/reports/summary?period=30d'), 200, 3000],
  'POST /v1/events, one event': [() => post(1)(), 202, 3000],
  'POST /v1/events, batch of 500': [() => post(500)(), 202, 200],
  'baseline Worker: POST /events, batch of 500': [() => new Request('http://bench/events?ws=ws_bench&tz=Europe%2FMadrid', { method: 'POST', headers: { 'content-type': 'application/json' }, body: make(500) }), 202, 200],
};

const app = createApp();
const out = {};
for (const [name, [next, status, n]] of Object.entries(ROUTES)) {
  const once = async () => {
    const res = name.startsWith('baseline') ? await baseline.fetch(next(), env) : await app.fetch(next(), guardEnv(env), ctx);
    await res.text();
    if (res.status !== status) throw new Error(`${name}: HTTP ${res.status} ${errors.at(-1) ?? ''}`);
  };
  for (let i = 0; i < n / 4; i++) await once(); // warm the JIT
  let best = Infinity;
  for (let chunk = 0; chunk < 5; chunk++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < n / 5; i++) await once();
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1000 / (n / 5));
  }
  out[name] = +best.toFixed(4);
  if (!process.argv[2]) console.log(`${(best * 1000).toFixed(1).padStart(8)} µs  ${name}`);
}
if (process.argv[2]) fs.writeFileSync(process.argv[2], JSON.stringify({ cpuMsPerRequest: out }));
