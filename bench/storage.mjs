#!/usr/bin/env node
// `npm run storage`: what a million events cost on Cloudflare's published prices, from rows D1
// itself reports. The real Worker runs in Miniflare (real local D1) in a temp dir; the demo
// mix (scripts/demo-data.mjs) goes through the profiled copy of the Worker (`/__profiled`,
// which records meta.rows_written / rows_read of every statement) in batches of 1, 100 and
// 500, into a fresh workspace each, as today's traffic, then the first rollup of the day runs
// through the same copy (and once more after 100 more events: a re-roll). Then, in a database of
// its own, the demo as an import of 30 days of history (late events, batches of 500) and their
// first rollup. Prints the rows written per event by statement, the cost table, and bytes per
// event of each database left behind; writes bench-results/storage.json.
//
//   STORAGE_SIZES=1,100,500   batch sizes (each a fresh workspace)
//   STORAGE_EVENTS=10992      events sent per batch size (default: the whole demo pool)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createWorkspace, eventPool } from './events.mjs';
import { monitor, request } from './load.mjs';
import { dayStart, localDay } from './rows.mjs';
import { ADMIN_TOKEN, ROOT, Runtime, buildWorkers, readConfig } from './runtime.mjs';
import { costTable, PRICES, statementLines } from './storage-cost.mjs';

process.env.WRANGLER_SEND_METRICS = 'false';
const SIZES = (process.env.STORAGE_SIZES || '1,100,500').split(',').map(Number);
const DAY_MS = 86_400_000;

/**
 * The pool as live traffic: the same events in the same order, re-timed into today so far, so
 * that ingest sees what it sees most of the time (events of the current day, not late ones).
 */
function liveEvents(pool, count, now, tz) {
  const events = pool.activity.slice(0, count);
  const span = now - dayStart(localDay(now, tz), tz);
  return events.map((e, i) => ({ ...e, timestamp: new Date(now - span + Math.floor((span * i) / events.length)).toISOString() }));
}

async function profile(rt, method) {
  const res = await request(new URL('/__profiled/__profile', rt.url), { method });
  return JSON.parse(res.text).statements;
}

/** Sends the events in batches (4 requests in flight), fresh messageIds, through the profiled copy. */
async function ingest(rt, ws, events, size, tag) {
  const url = new URL('/__profiled/v1/events', rt.url);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${ws.keys.ingest}` };
  let next = 0;
  let accepted = 0;
  const loop = async () => {
    while (next < events.length) {
      const at = next;
      next += size;
      const batch = events.slice(at, at + size).map((e, i) => ({ ...e, messageId: `${tag}-${at + i}` }));
      const res = await request(url, { method: 'POST', headers, body: JSON.stringify({ batch }) });
      if (res.status !== 202) throw new Error(`batch of ${size}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
      accepted += JSON.parse(res.text).accepted;
    }
  };
  await Promise.all(Array.from({ length: 4 }, loop));
  if (accepted !== events.length) throw new Error(`batch of ${size}: ${accepted} of ${events.length} accepted`);
  return Math.ceil(events.length / size);
}

async function measure(rt, pool, size, count) {
  const ws = await createWorkspace(rt, ADMIN_TOKEN, `Storage ${size}`);
  const now = Date.now();
  const events = liveEvents(pool, count, now, ws.timezone);
  await profile(rt, 'DELETE');
  const mon = monitor(() => rt.pid);
  const requests = await ingest(rt, ws, events, size, `s${size}`);
  const cpu = mon.stop();
  const ingestStatements = await profile(rt, 'DELETE');
  // The first rollup of those days, as the drain would run it tomorrow (rollup, lifecycle pass,
  // report rebuild).
  const res = await rt.api('POST', '/__profiled/__drain', { body: { ws: ws.id, tz: ws.timezone, now: now + DAY_MS } });
  if (res.status !== 200 || !res.json.rolledUp.length) throw new Error(`__drain: ${res.status} ${res.text.slice(0, 300)}`);
  const rollupStatements = await profile(rt, 'DELETE');
  // The day again after 100 more events (late ones would do the same): what a re-roll writes.
  await ingest(rt, ws, liveEvents(pool, 100, Date.now(), ws.timezone), 100, `s${size}-more`);
  await profile(rt, 'DELETE');
  await rt.api('POST', '/__profiled/__drain', { body: { ws: ws.id, tz: ws.timezone, now: now + DAY_MS } });
  const rerollStatements = await profile(rt, 'DELETE');
  return { size, events: events.length, requests, workerdCpuS: cpu.workerdCpuS, ingest: ingestStatements, rollup: rollupStatements, reroll: rerollStatements };
}

/**
 * The demo as an import of history: its CRM identifies and 30 days of events with their own
 * timestamps (every one late), in batches of 500, then the first rollup of the 30 days.
 */
async function measureImport(rt, pool) {
  const ws = await createWorkspace(rt, ADMIN_TOKEN, 'Storage import');
  const events = [...pool.profiles.values(), ...pool.activity];
  await profile(rt, 'DELETE');
  const mon = monitor(() => rt.pid);
  const requests = await ingest(rt, ws, events, 500, 'import');
  const cpu = mon.stop();
  const ingestStatements = await profile(rt, 'DELETE');
  const res = await rt.api('POST', '/__profiled/__drain', { body: { ws: ws.id, tz: ws.timezone } });
  if (res.status !== 200 || !res.json.rolledUp.length) throw new Error(`__drain: ${res.status} ${res.text.slice(0, 300)}`);
  return { size: 'import 500', events: events.length, requests, workerdCpuS: cpu.workerdCpuS, ingest: ingestStatements, rollup: await profile(rt, 'DELETE') };
}

/** A fresh runtime in a temp dir: what `fn` measures, and bytes per event of the database it leaves. */
async function withRuntime(fn) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trayecto-storage-'));
  let rt;
  try {
    await buildWorkers(dir);
    rt = await new Runtime(dir, readConfig()).start();
    await rt.migrate();
    const runs = await fn(rt);
    await rt.stop();
    return { runs, bytes: bytes(rt.d1File(), runs.reduce((a, r) => a + r.events, 0)) };
  } finally {
    await rt?.stop().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Bytes per event of the database left behind (a VACUUMed copy), by table and index. */
function bytes(file, events) {
  const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'trayecto-storage-')), 'db.sqlite');
  fs.copyFileSync(file, copy);
  const db = new DatabaseSync(copy);
  db.exec('VACUUM');
  const total = db.prepare('PRAGMA page_count').get().page_count * db.prepare('PRAGMA page_size').get().page_size;
  const objects = db.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC').all();
  db.close();
  fs.rmSync(path.dirname(copy), { recursive: true, force: true });
  return { perEvent: total / events, objects: objects.filter((o) => o.bytes >= total / 100).map((o) => ({ name: o.name, perEvent: o.bytes / events })) };
}

async function main() {
  const pool = eventPool();
  const count = Math.min(Number(process.env.STORAGE_EVENTS || pool.activity.length), pool.activity.length);
  const live = await withRuntime(async (rt) => {
    const runs = [];
    for (const s of SIZES) {
      console.error(`[storage] ${count} demo events in batches of ${s} …`);
      runs.push(await measure(rt, pool, s, count));
    }
    return runs;
  });
  console.error('[storage] the demo as an import of 30 days of history …');
  const imported = await withRuntime(async (rt) => [await measureImport(rt, pool)]);
  const runs = [...live.runs, ...imported.runs];
  console.log(`Rows D1 reports per event (meta.rows_written, rows_read): ${count.toLocaleString('en-US')} demo events per batch size as today's traffic, then their first rollup; then the demo as an import of history:\n`);
  for (const run of runs) console.log(`${statementLines(run)}\n`);
  console.log(`${costTable(runs, [...live.runs.map(() => live.bytes.perEvent), imported.bytes.perEvent])}\n`);
  for (const [name, size] of [['today\'s traffic (all batch sizes)', live.bytes], ['import of history', imported.bytes]]) {
    console.log(`Database after ingest and rollup, ${name}: ${size.perEvent.toFixed(0)} bytes per event; one 10 GB D1 database holds about ${(10e9 / size.perEvent / 1e6).toFixed(1)} M events`);
    for (const o of size.objects) console.log(`  ${o.name.padEnd(40)} ${o.perEvent.toFixed(1).padStart(8)} bytes/event`);
  }
  const file = path.join(ROOT, 'bench-results', 'storage.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), prices: PRICES, runs, bytes: { live: live.bytes, import: imported.bytes } }, null, 2)}\n`);
}

main().catch((err) => {
  console.error(err?.stack ?? String(err));
  process.exit(1);
});
