// How long a migration that rebuilds `events` takes on a database of N events: the migrations
// before it applied with node:sqlite to a temp file, N demo events inserted the way they were
// stored then (up to 0020: rowid and AUTOINCREMENT; after it: a seq from the counter), then the
// migration's statements timed one by one. `MIGRATION=0023 EVENTS=1000000 node
// bench/migrate-events.mjs` (defaults: 0023, 1,000,000). SQLite here is Node's, not workerd's: the
// figure says how the copy grows, not what D1 in production takes.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { eventPool } from './events.mjs';
import { addDays, COLUMNS, localDay, rowValues } from './rows.mjs';

const N = Number(process.env.EVENTS ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'migrate-'));
const db = new DatabaseSync(join(dir, 'db.sqlite'));
const files = readdirSync('migrations').filter((f) => f.endsWith('.sql')).sort();
const statements = (f) => readFileSync(join('migrations', f), 'utf8').split('--> statement-breakpoint').map((s) => s.trim()).filter(Boolean);
const MIGRATION = process.env.MIGRATION ?? '0023';
const at = files.findIndex((f) => f.startsWith(`${MIGRATION}_`));
const withSeq = files[at].slice(0, 4) > '0020';
for (const f of files.slice(0, at)) for (const s of statements(f)) db.exec(s);

const { activity } = eventPool();
const cols = withSeq ? ['seq', ...COLUMNS] : COLUMNS;
const insert = db.prepare(`INSERT INTO events (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
const last = localDay(Date.now(), 'UTC');
db.exec('BEGIN');
for (let i = 0; i < N; i++) {
  const day = addDays(last, -Math.floor(i / 10_000));
  const e = { ...activity[i % activity.length], messageId: `m-${i}` };
  const ts = Date.parse(`${day}T12:00:00Z`);
  const values = rowValues(e, `ws-${i % 3}`, ts, day, ts);
  insert.run(...(withSeq ? [i + 1, ...values] : values));
}
if (withSeq) db.prepare(`UPDATE sequences SET last = ? WHERE name = 'events'`).run(N);
db.exec('COMMIT');

const timings = [];
const t0 = performance.now();
for (const s of statements(files[at])) {
  const t = performance.now();
  db.exec(s);
  timings.push([s.replace(/--[^\n]*\n/g, '').replace(/\s+/g, ' ').slice(0, 60), performance.now() - t]);
}
const total = performance.now() - t0;
console.log(`migration ${files[at]} on ${N.toLocaleString('en-US')} events: ${(total / 1000).toFixed(1)} s in all`);
for (const [s, ms] of timings.filter(([, ms]) => ms >= 50)) console.log(`  ${(ms / 1000).toFixed(1).padStart(6)} s  ${s}`);
console.log(`events kept: ${db.prepare('SELECT count(*) AS n FROM events').get().n.toLocaleString('en-US')}`);
db.close();
rmSync(dir, { recursive: true, force: true });
