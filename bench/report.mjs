// The printed table (figure, baseline, ratio, target, held) and the where-the-time-goes notes.
import { DatabaseSync } from 'node:sqlite';

// "10× the events, at most ~10× the time": ~ read as 10% of slack.
const GROWTH_LIMIT = 11;
const fmt = (x, d = 0) => (x === null || x === undefined || Number.isNaN(x) ? '—' : Number(x).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
export const label = (sql) => sql.replace(/\s+/g, ' ').trim().slice(0, 96);

// A figure that is only a lower bound (run cut short) can fail a target but not pass it.
const verdict = (ok, lowerBound) => (!ok ? 'NO' : lowerBound ? 'unknown' : 'yes');

/** Rows of [figure, value, baseline, ratio, target, held] plus the targets' verdicts. */
export function figures(r) {
  const rows = [];
  const row = (figure, value, baseline, ratio, target = '', held = '') => rows.push({ figure, value, baseline, ratio, target, held });
  for (const [size, s] of Object.entries(r.ingest?.sizes ?? {})) {
    const ratio = s.trayecto.perSecond / s.baseline.perSecond;
    const targeted = Number(size) === 500;
    row(`ingest events/s, batch ${size}`, fmt(s.trayecto.perSecond), fmt(s.baseline.perSecond), `${fmt(ratio * 100)}%`, targeted ? '≥ 50% of ceiling' : '', targeted ? (ratio >= 0.5 ? 'yes' : 'NO') : '');
  }
  // The second ceiling (one json_each INSERT), for reference: no target is set against it.
  for (const [size, s] of Object.entries(r.ingest?.sizes ?? {})) {
    if (s['baseline-json']) row(`  vs one-statement ceiling, batch ${size}`, fmt(s.trayecto.perSecond), fmt(s['baseline-json'].perSecond), `${fmt((s.trayecto.perSecond / s['baseline-json'].perSecond) * 100)}%`);
  }
  for (const [size, q] of Object.entries(r.ingest?.queue ?? {})) {
    const ceiling = r.ingest.sizes[size]?.baseline.perSecond;
    row(`queue mode, batch ${size}: edge events/s`, fmt(q.perSecond), fmt(ceiling), `${fmt((q.perSecond / ceiling) * 100)}%`);
    row(`queue mode, batch ${size}: all in D1 after load (s)`, fmt(q.drainMs / 1000, 1), '', '', '');
    row(`queue mode, batch ${size}: end-to-end events/s`, fmt(q.endToEndPerSecond), fmt(ceiling), `${fmt((q.endToEndPerSecond / ceiling) * 100)}%`);
  }
  // The target is set on the days' rollup (what the raw SQL baseline computes: the drain's steps
  // as timed by /__drain); the whole call adds the rebuild of 24 reports.
  const sizes = Object.entries(r.rollup?.sizes ?? {});
  const atLeast = (s) => (s.workerMs === null ? '> ' : '');
  const dayMs = (s) => s.serverTiming?.rollupMs ?? s.timedOutAfterMs; // cut short: at least its budget
  const callMs = (s) => s.workerMs ?? s.timedOutAfterMs;
  for (const [n, s] of sizes) {
    const ratio = dayMs(s) / s.raw.totalMs;
    row(`rollup ms, day of ${fmt(Number(n))} events`, `${atLeast(s)}${fmt(dayMs(s))}`, fmt(s.raw.totalMs), `${atLeast(s)}${fmt(ratio, 1)}×`, '≤ 3× raw SQL', verdict(ratio <= 3, atLeast(s)));
    if (s.serverTiming) row('  + report rebuild ms', fmt(s.serverTiming.reportsMs), '', '');
    row('  whole drain + rebuild ms', `${atLeast(s)}${fmt(callMs(s))}`, fmt(s.raw.totalMs), `${atLeast(s)}${fmt(callMs(s) / s.raw.totalMs, 1)}×`);
  }
  for (let i = 1; i < sizes.length; i++) {
    const [n0, a] = sizes[i - 1];
    const [n1, b] = sizes[i];
    const rawGrowth = b.raw.totalMs / a.raw.totalMs;
    const growth = dayMs(b) / dayMs(a);
    row(`rollup growth ${fmt(Number(n0))} → ${fmt(Number(n1))}`, `${atLeast(b)}${fmt(growth, 1)}×`, `${fmt(rawGrowth, 1)}×`, '', `≤ ~${Number(n1) / Number(n0)}×`, verdict(growth <= GROWTH_LIMIT, atLeast(b)));
    row('  whole drain + rebuild growth', `${atLeast(b)}${fmt(callMs(b) / callMs(a), 1)}×`, `${fmt(rawGrowth, 1)}×`, '');
  }
  if (r.isolation) {
    const i = r.isolation;
    row('tenant A ingest p50 ms while tenant B does uncached reads', fmt(i.underLoad.p50Ms, 1), fmt(i.alone.p50Ms, 1), `${fmt(i.p50Ratio, 2)}×`, '', '');
    row(`  tenant B: ${i.bReads.requests} uncached reads`, Object.entries(i.bReads.statuses).map(([s, n]) => `${n}× ${s}`).join(', '), '', '');
    const w = i.withoutBudget;
    if (w) {
      row('  the same without the per-workspace budget: A ingest p50 ms', fmt(w.ingest.p50Ms, 1), fmt(i.alone.p50Ms, 1), `${fmt(w.p50Ratio, 2)}×`);
      row(`  tenant B: ${w.bReads.requests} uncached reads`, Object.entries(w.bReads.statuses).map(([s, n]) => `${n}× ${s}`).join(', '), '', '');
    }
  }
  for (const [perDay, d] of Object.entries(r.drain?.sizes ?? {})) {
    const year = `${r.drain.days} days × ${fmt(Number(perDay))}/day`;
    row(`drain: one tick → all reports complete (s), ${year}`, fmt(d.engineMs / 1000, 1), fmt(d.loopMs / 1000, 1), `${fmt(d.engineMs / d.loopMs, 2)}×`, r.drain.days >= 365 && Number(perDay) >= 10_000 ? '< 300 s' : '', r.drain.days >= 365 && Number(perDay) >= 10_000 ? (d.engineMs < 300_000 ? 'yes' : 'NO') : '');
    row('  late lifecycle event a year back: drain (s)', fmt(d.lateMs / 1000, 1), fmt(d.engineMs / 1000, 1), `${fmt(d.lateShare * 100, 1)}%`, '≤ 5% of the year', d.lateShare <= 0.05 ? 'yes' : 'NO');
  }
  if (r.reads) {
    const { summary: s, trivial: t } = r.reads;
    const ratio = s.requestsPerSecond / t.requestsPerSecond;
    row(`report reads req/s (vs GET ${r.reads.trivialRoute})`, fmt(s.requestsPerSecond), fmt(t.requestsPerSecond), `${fmt(ratio * 100)}%`, '≥ 80% of trivial', ratio >= 0.8 ? 'yes' : 'NO');
    row('report reads p50 ms', fmt(s.p50Ms, 2), fmt(t.p50Ms, 2), `${fmt(s.p50Ms / t.p50Ms, 1)}×`);
    row('report reads p99 ms', fmt(s.p99Ms, 2), fmt(t.p99Ms, 2), `${fmt(s.p99Ms / t.p99Ms, 1)}×`);
    row('report reads workerd CPU ms/request', fmt(s.workerdCpuMsPerRequest, 2), fmt(t.workerdCpuMsPerRequest, 2), `${fmt(s.workerdCpuMsPerRequest / t.workerdCpuMsPerRequest, 1)}×`);
    const k = r.reads.keyed;
    if (k) {
      const keyed = s.requestsPerSecond / k.requestsPerSecond;
      row(`report reads req/s (vs GET ${r.reads.keyedRoute}, same key check)`, fmt(s.requestsPerSecond), fmt(k.requestsPerSecond), `${fmt(keyed * 100)}%`, '≥ 80% of trivial', keyed >= 0.8 ? 'yes' : 'NO');
      row(`  p50 / p99 ms vs ${r.reads.keyedRoute}`, `${fmt(s.p50Ms, 2)} / ${fmt(s.p99Ms, 2)}`, `${fmt(k.p50Ms, 2)} / ${fmt(k.p99Ms, 2)}`, '');
    }
  }
  if (r.http) httpRows(r.http, row);
  return rows;
}

/** The HTTP phase (wrangler dev, separate client): ratios of figures of the same run. */
function httpRows(h, row) {
  const pct = (a, b) => `${fmt((a / b) * 100)}%`;
  // The whole run's ratio, and the range of the rounds' own (each side measured seconds apart).
  const paired = (a, b) => {
    const each = a.rounds.map((x, i) => x / b.rounds[i]);
    return `${pct(a.perSecond, b.perSecond)} (${fmt(Math.min(...each) * 100)}–${fmt(Math.max(...each) * 100)}%)`;
  };
  const cpu = (m, per, n = 1) => fmt((m[`cpuMsPer${per}`]?.workerd ?? NaN) * n, 2);
  for (const [size, s] of Object.entries(h.ingest.sizes)) {
    const [t, pk, same] = [s.trayecto, s['baseline-pk'], s.baseline];
    const targeted = Number(size) === 500;
    const ratio = t.perSecond / pk.perSecond;
    row(`HTTP ingest events/s, ${size === '1' ? 'single events' : `batch ${size}`} (vs one-primary-key baseline)`, fmt(t.perSecond), fmt(pk.perSecond), paired(t, pk), targeted ? '≥ 70%' : '', targeted ? (ratio >= 0.7 ? 'yes' : 'NO') : '');
    row('  vs the baseline with the same schema (every index)', fmt(t.perSecond), fmt(same.perSecond), paired(t, same));
    row('  p50 / p99 ms (vs one primary key / same schema)', `${fmt(t.p50Ms, 1)} / ${fmt(t.p99Ms, 1)}`, `${fmt(pk.p50Ms, 1)} / ${fmt(pk.p99Ms, 1)}; ${fmt(same.p50Ms, 1)} / ${fmt(same.p99Ms, 1)}`, '');
    row('  workerd CPU ms per request', cpu(t, 'Event', Number(size)), `${cpu(pk, 'Event', Number(size))}; ${cpu(same, 'Event', Number(size))}`, `${fmt(t.cpuMsPerEvent.workerd / pk.cpuMsPerEvent.workerd, 2)}×`);
  }
  const { summary, whoami, notFound, root } = h.reads.routes;
  const keyed = summary.requestsPerSecond / whoami.requestsPerSecond;
  row('HTTP report reads req/s (KV hit) vs GET /v1/whoami', fmt(summary.requestsPerSecond), fmt(whoami.requestsPerSecond), paired(summary, whoami), '≥ 90%', keyed >= 0.9 ? 'yes' : 'NO');
  row('  vs an unkeyed 404 / GET / (302)', fmt(summary.requestsPerSecond), `${fmt(notFound.requestsPerSecond)} / ${fmt(root.requestsPerSecond)}`, `${paired(summary, notFound)} / ${pct(summary.requestsPerSecond, root.requestsPerSecond)}`);
  row('  p50 / p99 ms: reads; whoami; 404', `${fmt(summary.p50Ms, 1)} / ${fmt(summary.p99Ms, 1)}`, `${fmt(whoami.p50Ms, 1)} / ${fmt(whoami.p99Ms, 1)}; ${fmt(notFound.p50Ms, 1)} / ${fmt(notFound.p99Ms, 1)}`, '');
  row('  workerd CPU ms/request: reads; whoami; 404', cpu(summary, 'Request'), `${cpu(whoami, 'Request')}; ${cpu(notFound, 'Request')}`, `${fmt(summary.cpuMsPerRequest.workerd / whoami.cpuMsPerRequest.workerd, 2)}×`);
}

function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function memoryRows(r) {
  const rows = [];
  for (const [size, s] of Object.entries(r.ingest?.sizes ?? {})) {
    for (const k of ['trayecto', 'baseline', 'baseline-json'].filter((x) => s[x])) rows.push([`ingest batch ${size} (${k})`, fmt(s[k].workerdPeakMiB), fmt(s[k].nodePeakMiB), fmt((s[k].workerdCpuS * 1e6) / s[k].units, 1)]);
  }
  for (const [size, q] of Object.entries(r.ingest?.queue ?? {})) rows.push([`ingest via queue, batch ${size}`, fmt(q.workerdPeakMiB), fmt(q.nodePeakMiB), fmt((q.workerdCpuS * 1e6) / q.units, 1)]);
  for (const [n, s] of Object.entries(r.rollup?.sizes ?? {})) rows.push([`rollup ${fmt(Number(n))} events${s.workerMs === null ? ' (cut short)' : ''}`, fmt(s.memory.workerdPeakMiB), fmt(s.memory.nodePeakMiB), '']);
  if (r.reads) for (const k of ['summary', 'trivial', 'keyed'].filter((x) => r.reads[x])) rows.push([`reads ${k}`, fmt(r.reads[k].workerdPeakMiB), fmt(r.reads[k].nodePeakMiB), '']);
  return rows;
}

/** Everything, as text for the terminal. */
export function render(r) {
  const out = [];
  out.push(table(['Figure', 'Trayecto', 'Baseline', 'Ratio', 'Target', 'Held'], figures(r).map((x) => [x.figure, x.value, x.baseline, x.ratio, x.target, x.held])));
  out.push('', table(['Peak memory / CPU', 'workerd MiB', 'node MiB', 'workerd CPU µs/event'], memoryRows(r)));
  const ip = r.ingest?.profile;
  if (ip) {
    const lat = Object.entries(ip.latencyMs).map(([k, v]) => `${k} ${v} ms`).join(', ');
    out.push('', `Ingest, one batch of ${ip.batchSize} at a time (mean latency): ${lat}. Trayecto's D1 SQL time per batch ${ip.sqlMsPerBatch} ms:`);
    for (const s of ip.statements) out.push(`  ${fmt(s.msPerBatch, 1).padStart(7)} ms  ${label(s.sql)}`);
  }
  if (r.ingest?.js?.msPerBatch) {
    out.push('', `Ingest JavaScript per batch of ${r.ingest.js.batchSize} (timed in Node on the same source):`);
    for (const [k, v] of Object.entries(r.ingest.js.msPerBatch)) out.push(`  ${fmt(v, 2).padStart(7)} ms  ${k}`);
  }
  for (const [n, s] of Object.entries(r.rollup?.sizes ?? {})) {
    if (!s.profile) continue;
    const how = s.profile.rerun ? 'profiled re-run' : s.profile.complete ? 'the timed run' : 'CUT SHORT at the budget';
    out.push('', `Rollup of ${fmt(Number(n))} events (${how}, ${fmt(s.profile.totalMs)} ms; raw SQL ${fmt(s.raw.totalMs)} ms):`);
    for (const [k, v] of Object.entries(s.profile.phases)) out.push(`  ${fmt(v.wallMs).padStart(8)} ms wall, ${fmt(v.sqlMs).padStart(8)} ms SQL  ${k}${v.cutShort ? ' — still running when cut' : ''}`);
    if (!s.profile.complete) out.push(`  last statement answered: ${label(s.profile.last ?? '')}`);
    for (const st of s.profile.statements.slice(0, 8)) out.push(`  ${fmt(st.sqlMs).padStart(8)} ms SQL ×${st.calls}  ${label(st.sql)}`);
    out.push(`  raw SQL steps: ${Object.entries(s.raw.steps).map(([k, v]) => `${k} ${fmt(v)} ms`).join('; ')}`);
  }
  if (r.reads?.probes) {
    out.push('', 'Read path taken apart (same load, baseline Worker probes doing one thing each):');
    for (const [k, v] of Object.entries(r.reads.probes)) out.push(`  ${fmt(v.requestsPerSecond).padStart(7)} req/s, p50 ${fmt(v.p50Ms, 2)} ms, workerd CPU ${fmt(v.workerdCpuMsPerRequest, 2)} ms/request  ${k}`);
  }
  if (r.http?.js) {
    out.push('', 'HTTP: our JavaScript alone per request (bench/request-js.mjs: Node, bindings answering at once) vs workerd CPU per request:');
    const { routes } = r.http.reads;
    const workerd = { 'GET / (302)': routes.root, 'GET an unknown route (404)': routes.notFound, 'GET /v1/whoami': routes.whoami, 'GET /v1/reports/summary?period=30d (memory hit)': routes.summary };
    const ingest = r.http.ingest.sizes;
    for (const [k, ms] of Object.entries(r.http.js.cpuMsPerRequest)) {
      const size = k.includes('500') ? 500 : k.includes('one event') ? 1 : null;
      const side = k.startsWith('baseline') ? 'baseline' : 'trayecto';
      const w = size ? ingest[size]?.[side].cpuMsPerEvent.workerd * size : workerd[k]?.cpuMsPerRequest.workerd;
      out.push(`  ${fmt(ms, 3).padStart(8)} ms JS of ${fmt(w, 2).padStart(6)} ms workerd CPU  ${k}`);
    }
  }
  const js = r.http?.ingest.jsonStatements;
  if (js) {
    const per = (m) => m.cpuMsPerEvent.workerd * 500;
    out.push('', `HTTP: a batch of 500 events' JSON bound to one json_each statement: ${fmt(per(js['json ×1']), 2)} ms workerd CPU per request; to seven (as Trayecto's ingest batch did before it bound each statement to only what it reads): ${fmt(per(js['json ×7']), 2)} ms.`);
  }
  if (r.http?.reads.probes) {
    out.push('', 'HTTP read path taken apart (baseline Worker under wrangler dev, probes doing one thing each):');
    for (const [k, v] of Object.entries(r.http.reads.probes)) out.push(`  ${fmt(v.requestsPerSecond).padStart(7)} req/s, p50 ${fmt(v.p50Ms, 2)} ms, workerd CPU ${fmt(v.cpuMsPerRequest.workerd, 3)} ms/request  ${k}`);
  }
  if (r.reads?.profile) {
    out.push('', `Summary read, sequential: ${r.reads.profile.latencyMs} ms per request; D1 statements per request:`);
    for (const s of r.reads.profile.statements) out.push(`  ${fmt(s.callsPerRequest, 1)} × ${fmt(s.sqlMs / r.reads.profile.requests, 3)} ms  ${label(s.sql)}`);
  }
  for (const e of r.explain ?? []) out.push('', `EXPLAIN QUERY PLAN (${e.where}) ${label(e.sql)}`, ...e.plan.map((p) => `  ${p}`));
  return out.join('\n');
}

/** Query plans of the statements that cost the most, on the D1 file itself. */
export function explain(file, picks) {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return picks.map(({ where, sql }) => {
      try {
        const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all();
        const depth = new Map([[0, 0]]);
        const plan = rows.map((p) => {
          depth.set(p.id, (depth.get(p.parent) ?? 0) + 1);
          return `${'  '.repeat(depth.get(p.id) - 1)}${p.detail}`;
        });
        return { where, sql, plan };
      } catch (err) {
        return { where, sql, plan: [`(could not explain: ${err.message})`] };
      }
    });
  } finally {
    db.close();
  }
}
