#!/usr/bin/env node
// `npm run bench`: ingest, rollup and report-read figures of the real Worker running locally
// (Miniflare, real local D1/KV/Queues), each beside a baseline measured in the same run.
// Prints a table and writes bench-results/bench.json. See bench/README.md.
//
//   BENCH_QUICK=1        small sizes and short runs (rollup up to 100k events)
//   BENCH_ONLY=a,b       only these phases: ingest, rollup, reads, isolation, drain, http
//   BENCH_DRAIN_SIZES=10000,100000  events per day of the drain's year of history (default 10000)
//   BENCH_KEEP=1         keep the temp dir (D1/KV files) for inspection
//   BENCH_ROLLUP_BUDGET_S=360  longest wait for a single-run (1M-event) rollup before it is cut short
//   BENCH_PROFILE_MAX=100000   largest rollup timed on the plain Worker and then re-run profiled
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventPool } from './events.mjs';
import { benchDrain } from './drain.mjs';
import { benchIsolation } from './isolation.mjs';
import { benchHttp } from './http.mjs';
import { benchIngest } from './ingest.mjs';
import { benchReads } from './reads.mjs';
import { explain, render } from './report.mjs';
import { benchRollup } from './rollup.mjs';
import { ROOT, Runtime, buildWorkers, readConfig } from './runtime.mjs';

process.env.WRANGLER_SEND_METRICS = 'false'; // nothing here may reach the internet
const quick = process.env.BENCH_QUICK === '1';
const only = new Set((process.env.BENCH_ONLY || 'ingest,rollup,reads,isolation,drain,http').split(','));
const startedAt = Date.now();
const log = (msg) => console.log(`[bench ${((Date.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${msg}`);

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trayecto-bench-'));
  const results = {
    startedAt: new Date(startedAt).toISOString(),
    quick,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1), node: process.version },
  };
  let rt;
  try {
    const pool = eventPool();
    log(`event pool: ${pool.activity.length} demo events`);
    // The in-process phases share one Miniflare; the HTTP phase runs wrangler dev of its own.
    if (['ingest', 'rollup', 'reads', 'isolation', 'drain'].some((p) => only.has(p))) {
      log(`building the Worker into ${dir}`);
      await buildWorkers(dir);
      const config = readConfig();
      results.config = { queueMode: config.queueMode, ratelimitsLifted: config.ratelimits };
      rt = await new Runtime(dir, config).start();
      await rt.migrate();
      log(`Miniflare up at ${rt.url.href} (workerd pid ${rt.pid}); queue mode ${config.queueMode ? 'present' : 'absent'}`);
      if (only.has('ingest')) results.ingest = await benchIngest(rt, { quick, pool, log });
      // Above 100k there is time for one rollup run only, bounded (BENCH_ROLLUP_BUDGET_S).
      const budgetS = Number(process.env.BENCH_ROLLUP_BUDGET_S || 360);
      const profileMax = Number(process.env.BENCH_PROFILE_MAX || 100_000);
      if (only.has('rollup')) results.rollup = await benchRollup(rt, { quick, pool, log, profileMax, budgetS });
      if (only.has('reads')) {
        const ws = results.rollup?.rolledUp.at(-1);
        results.reads = await benchReads(rt, { quick, ws, pool, log });
      }
      if (only.has('isolation')) results.isolation = await benchIsolation(rt, { quick, pool, log });
      if (only.has('drain')) results.drain = await benchDrain(rt, { quick, pool, log });
      await rt.stop();
      results.explain = explain(rt.d1File(), pickStatements(results));
    }
    if (only.has('http')) results.http = await benchHttp({ quick, pool, log, dir });
  } finally {
    await rt?.stop().catch(() => {});
    if (process.env.BENCH_KEEP === '1') log(`kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
  results.durationS = Math.round((Date.now() - startedAt) / 1000);
  const file = path.join(ROOT, 'bench-results', 'bench.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\n${render(results)}\n`);
  log(`done in ${results.durationS} s; wrote ${path.relative(ROOT, file)}`);
}

/** The statements worth a query plan: the costliest of each profile. */
function pickStatements(r) {
  const picks = [];
  const add = (where, list, n) => {
    for (const s of (list ?? []).filter((x) => !picks.some((p) => p.sql === x.sql)).slice(0, n)) picks.push({ where, sql: s.sql });
  };
  add('ingest', r.ingest?.profile?.statements, 2);
  const profiled = Object.values(r.rollup?.sizes ?? {}).filter((s) => s.profile?.complete);
  add('rollup', profiled.at(-1)?.profile.statements, 4);
  add('reads', r.reads?.profile?.statements, 2);
  return picks;
}

main().catch((err) => {
  console.error(err?.stack ?? String(err));
  process.exit(1);
});
