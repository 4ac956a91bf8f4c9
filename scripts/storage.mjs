#!/usr/bin/env node
// `npm run storage`: bytes per stored event in the local D1 database (the one `npm start`
// fills), by table and index, and the rollup rows per event: the figures behind the README's
// cost and scale estimates. Reads a copy, so a running `npm start` is not disturbed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIR = path.join(ROOT, '.wrangler', 'state', 'v3', 'd1', 'miniflare-D1DatabaseObject');
const files = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite') : [];
if (!files.length) {
  console.error(`No local D1 database under ${path.relative(ROOT, DIR)}: run \`npm start\` first.`);
  process.exit(1);
}
const source = files.map((f) => path.join(DIR, f)).sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'trayecto-storage-')), 'db.sqlite');
fs.copyFileSync(source, copy);
for (const ext of ['-wal', '-shm']) if (fs.existsSync(source + ext)) fs.copyFileSync(source + ext, copy + ext);

const db = new DatabaseSync(copy);
db.exec('VACUUM');
const events = db.prepare('SELECT COUNT(*) AS n FROM events').get().n;
if (!events) {
  console.error('The local database holds no events yet.');
  process.exit(1);
}
const total = db.prepare('PRAGMA page_count').get().page_count * db.prepare('PRAGMA page_size').get().page_size;
const objects = db.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC').all();
const rows = (table) => db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get().n;
const per = (x) => (x / events).toFixed(1);

console.log(`${events.toLocaleString('en-US')} events; database ${(total / 2 ** 20).toFixed(1)} MiB = ${per(total)} bytes per event`);
for (const o of objects.filter((o) => o.bytes >= total / 100)) console.log(`  ${o.name.padEnd(40)} ${per(o.bytes).padStart(8)} bytes/event`);
console.log(`rollup rows per event: daily_customers ${per(rows('daily_customers'))}, daily_metrics ${per(rows('daily_metrics'))}`);
const tenGB = 10 * 1000 ** 3;
console.log(`one 10 GB D1 database holds about ${(tenGB / (total / events) / 1e6).toFixed(1)} M events at this density`);
fs.rmSync(path.dirname(copy), { recursive: true, force: true });
