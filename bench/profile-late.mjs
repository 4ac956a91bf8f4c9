#!/usr/bin/env node
// Where the drain of one late lifecycle event goes: a workspace with DAYS days of PER_DAY events
// (the drain phase's bulk load), rolled up once, then REPEAT late lifecycle events dated the first
// of those days, each drained through the profiled copy of the Worker (/__profiled/__drain:
// drainAll, then one rebuild); prints each drain's parts and its costliest statements.
//
//   DAYS=365 PER_DAY=100000 node bench/profile-late.mjs   (about 15 minutes of loading here)
//   DIR=/tmp/prof-xxxx node bench/profile-late.mjs        (again on a directory kept from a run:
//     its Worker is rebuilt from the source as it is now; MIGRATE="<sql>;<sql>" applies new columns)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DatabaseSync } from 'node:sqlite';
import { createWorkspace, eventPool, TIMEZONE } from './events.mjs';
import { loadYear } from './drain.mjs';
import { addDays, localDay } from './rows.mjs';
import { ADMIN_TOKEN, Runtime, buildWorkers, readConfig } from './runtime.mjs';

process.env.WRANGLER_SEND_METRICS = 'false';
const days = Number(process.env.DAYS || 30);
const perDay = Number(process.env.PER_DAY || 100_000);
const fresh = !process.env.DIR;
const dir = process.env.DIR || fs.mkdtempSync(path.join(os.tmpdir(), 'prof-'));
const log = (m) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`);

await buildWorkers(dir);
const rt = new Runtime(dir, readConfig());
let ws;
if (fresh) {
  await rt.start();
  await rt.migrate();
  ws = await createWorkspace(rt, ADMIN_TOKEN, 'profile');
  await rt.stop();
  log(`loaded ${JSON.stringify(loadYear(rt.d1File(), [ws.id], { pool: eventPool(), tz: TIMEZONE, days, perDay }))} into ${dir}`);
  await rt.start();
  const r = await rt.api('POST', '/__direct/__drain', { body: { ws: ws.id, tz: TIMEZONE }, timeoutMs: 3_600_000 });
  log(`every day rolled up: rollupMs ${r.json.rollupMs}, reportsMs ${r.json.reportsMs}`);
  fs.writeFileSync(path.join(dir, 'workspace.json'), JSON.stringify(ws));
} else {
  const db = new DatabaseSync(rt.d1File());
  for (const sql of (process.env.MIGRATE || '').split(';').filter((q) => q.trim())) {
    try {
      db.exec(sql);
      log(`applied: ${sql}`);
    } catch (err) {
      log(`not applied (${err.message}): ${sql}`);
    }
  }
  db.close();
  ws = JSON.parse(fs.readFileSync(path.join(dir, 'workspace.json'), 'utf8'));
  await rt.start();
}
for (let k = 0; k < Number(process.env.REPEAT || 2); k++) {
  const timestamp = `${addDays(localDay(Date.now(), TIMEZONE), -(days - 1))}T12:00:00Z`;
  const late = { type: 'lifecycle', messageId: `late-${Date.now()}`, customerId: `late-${k}`, status: 'started', timestamp };
  const sent = await rt.api('POST', '/v1/events', { key: ws.keys.ingest, body: late });
  if (sent.status !== 202) throw new Error(`late event: ${sent.status} ${sent.text}`);
  await rt.api('DELETE', '/__profiled/__profile');
  const t0 = performance.now();
  const r = await rt.api('POST', '/__profiled/__drain', { body: { ws: ws.id, tz: TIMEZONE }, timeoutMs: 3_600_000 });
  const { statements } = (await rt.api('GET', '/__profiled/__profile')).json;
  const sqlMs = statements.reduce((s, x) => s + x.sqlMs, 0);
  log(`late event ${k + 1}: ${Math.round(performance.now() - t0)} ms (days rolled up ${r.json.rolledUp.length}, marks and lifecycle pass ${r.json.rollupMs} ms, rebuild ${r.json.reportsMs} ms; ${statements.length} statements, ${Math.round(sqlMs)} ms of SQL)`);
  for (const s of statements.slice(0, 12)) {
    console.log(`${s.sqlMs.toFixed(0).padStart(7)} ms ×${s.calls}  rows read ${s.rowsRead}  ${s.sql.replace(/\s+/g, ' ').slice(0, 160)}`);
  }
}
await rt.stop();
log(`kept: ${dir} (DIR=${dir} to run again on it; delete it when done)`);
