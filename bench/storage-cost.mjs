// Turns the profiled copy's per-statement counts into rows per event and a cost per million
// events. Prices: Cloudflare's published list prices (Workers Paid, beyond the monthly
// allowances), as the README lists them.
import { INGEST_SQL, NOTE_LATE } from '../src/ingest/store.ts';
import { CASE_SQL } from '../src/loop/cases.ts';
import { BUMP_SEQ } from '../src/db/seq.ts';

export const PRICES = {
  requestsPerM: 0.3,
  cpuPerMMs: 0.02,
  rowsWrittenPerM: 1.0,
  rowsReadPerM: 0.001,
  storagePerGBMonth: 0.75,
  queueOpsPerM: 0.4,
};
export const TARGET_PER_M = 2.5;

const NAMES = new Map(Object.entries({ ...INGEST_SQL, NOTE_LATE, BUMP_SEQ, ...CASE_SQL }).map(([name, sql]) => [sql, name]));

/** A statement's name: the ingest ones by their constant, others by what they do to which table. */
export function label(sql) {
  if (NAMES.has(sql)) return NAMES.get(sql);
  const flat = sql.replace(/\s+/g, ' ').trim();
  const write = /\b(INSERT INTO|DELETE FROM|UPDATE) (\w+)/.exec(flat);
  if (write) return `${write[1].split(' ')[0].toLowerCase()} ${write[2]}${/ON CONFLICT .* DO UPDATE/.test(flat) ? ' (upsert)' : ''}`;
  const from = /\bFROM (\w+)/.exec(flat);
  return `select ${from ? from[1] : flat.slice(0, 30)}`;
}

const sum = (list, key) => list.reduce((a, s) => a + s[key], 0);

/** Statements merged by label (a rollup runs several of the same kind), heaviest writes first. */
function byLabel(statements) {
  const out = new Map();
  for (const s of statements) {
    const name = label(s.sql);
    const o = out.get(name) ?? { name, calls: 0, rowsWritten: 0, rowsRead: 0 };
    o.calls += s.calls;
    o.rowsWritten += s.rowsWritten;
    o.rowsRead += s.rowsRead;
    out.set(name, o);
  }
  return [...out.values()].sort((a, b) => b.rowsWritten - a.rowsWritten || b.rowsRead - a.rowsRead);
}

/** Rows per event, per statement, of one batch size's ingest and first rollup. */
export function statementLines(run) {
  const lines = [`${typeof run.size === 'number' ? `batch ${run.size}` : run.size}: ${run.events} events, ${run.requests} requests`];
  for (const phase of ['ingest', 'rollup']) {
    const list = byLabel(run[phase]);
    lines.push(`  ${phase.padEnd(44)} ${'calls'.padStart(7)} ${'written/event'.padStart(14)} ${'read/event'.padStart(11)}`);
    for (const s of list.filter((x) => x.rowsWritten > 0 || x.rowsRead / run.events >= 0.05)) {
      lines.push(`    ${s.name.padEnd(42)} ${String(s.calls).padStart(7)} ${(s.rowsWritten / run.events).toFixed(3).padStart(14)} ${(s.rowsRead / run.events).toFixed(2).padStart(11)}`);
    }
    lines.push(`    ${'total'.padEnd(42)} ${''.padStart(7)} ${(sum(list, 'rowsWritten') / run.events).toFixed(3).padStart(14)} ${(sum(list, 'rowsRead') / run.events).toFixed(2).padStart(11)}`);
  }
  const reroll = byLabel(run.reroll ?? []).filter((x) => x.rowsWritten > 0);
  if (reroll.length) lines.push(`  the day rolled up again after 100 more events: ${sum(reroll, 'rowsWritten')} rows written (${reroll.map((x) => `${x.name} ${x.rowsWritten}`).join(', ')})`);
  return lines.join('\n');
}

/** The cost items of one run, in dollars per million events. */
export function costOf(run, bytesPerEvent) {
  const perM = (x) => (x / run.events) * 1e6;
  const written = (phase) => perM(sum(run[phase], 'rowsWritten'));
  const read = perM(sum(run.ingest, 'rowsRead') + sum(run.rollup, 'rowsRead'));
  const items = {
    'Worker requests': [perM(run.requests), perM(run.requests) * PRICES.requestsPerM / 1e6],
    'Worker CPU, ms (workerd with local D1: an upper bound)': [perM(run.workerdCpuS * 1000), perM(run.workerdCpuS * 1000) * PRICES.cpuPerMMs / 1e6],
    'D1 rows written at ingest': [written('ingest'), written('ingest') * PRICES.rowsWrittenPerM / 1e6],
    'D1 rows written by the first rollup': [written('rollup'), written('rollup') * PRICES.rowsWrittenPerM / 1e6],
    'D1 rows read (ingest, rollup, report rebuild)': [read, read * PRICES.rowsReadPerM / 1e6],
  };
  const total = Object.values(items).reduce((a, [, c]) => a + c, 0);
  const storageGB = (bytesPerEvent * 1e6) / 1e9;
  return { items, total, storage: [storageGB, storageGB * PRICES.storagePerGBMonth], queue: [perM(run.requests) * 3, perM(run.requests) * 3 * PRICES.queueOpsPerM / 1e6] };
}

const money = (x) => `$${x < 0.1 ? x.toFixed(3) : x.toFixed(2)}`;
const qty = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : Math.round(x).toLocaleString('en-US'));

/** The cost table, one column per batch size. */
export function costTable(runs, bytesPerEvent) {
  const costs = runs.map((r, i) => costOf(r, bytesPerEvent[i]));
  const head = `| Per million events | ${runs.map((r) => (typeof r.size === 'number' ? `batch ${r.size}` : r.size)).join(' | ')} |`;
  const rows = [head, `|---|${runs.map(() => '---').join('|')}|`];
  for (const name of Object.keys(costs[0].items)) rows.push(`| ${name} | ${costs.map((c) => `${qty(c.items[name][0])}: ${money(c.items[name][1])}`).join(' | ')} |`);
  rows.push(`| **Total** | ${costs.map((c) => `**${money(c.total)}**`).join(' | ')} |`);
  rows.push(`| target ≤ $${TARGET_PER_M} held | ${costs.map((c) => (c.total <= TARGET_PER_M ? 'yes' : 'no')).join(' | ')} |`);
  rows.push(`| storage, GB-month (per month kept) | ${costs.map((c) => `${c.storage[0].toFixed(2)}: ${money(c.storage[1])}`).join(' | ')} |`);
  rows.push(`| queue mode only: operations (3 per message) | ${costs.map((c) => `${qty(c.queue[0])}: ${money(c.queue[1])}`).join(' | ')} |`);
  return rows.join('\n');
}
