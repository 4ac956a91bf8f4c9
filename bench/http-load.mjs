#!/usr/bin/env node
// The HTTP phase's load client, a Node process of its own (started by bench/http.mjs with a
// JSON plan as its argument): ingest batches of 500 and single events to Trayecto and to the
// baseline, then report reads, a keyed trivial route and unkeyed routes of Trayecto. Every
// figure is measured in rounds whose order alternates, so that a drift of the shared machine
// favours no side. CPU is read from /proc for each server's whole process group (wrangler's
// Node, its workerd), per event or request. Writes its results to plan.out as JSON.
import fs from 'node:fs';
import { eventPool, bodyMaker } from './events.mjs';
import { percentile, request, runLoad } from './load.mjs';

const plan = JSON.parse(process.argv[2]);
// Many short rounds rather than a few long ones: other work on the shared machine comes in
// bursts, and each round's figures are taken seconds apart from the other side's.
const ROUNDS = plan.quick ? 3 : 6;
const INGEST = { sizes: [500, 1], concurrency: 4, warmupMs: plan.quick ? 1000 : 2000, durationMs: plan.quick ? 2500 : 4000 };
const READS = { concurrency: 8, warmupMs: 1000, durationMs: plan.quick ? 2000 : 3000 };

/** CPU seconds used so far by every process of a group, by command name. */
function groupCpu(groupId) {
  const out = {};
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const [, comm, rest] = /^\d+ \((.*)\) (.*)$/s.exec(fs.readFileSync(`/proc/${entry}/stat`, 'utf8'));
      const f = rest.split(' ');
      if (Number(f[2]) !== groupId) continue;
      out[comm] = (out[comm] ?? 0) + (Number(f[11]) + Number(f[12])) / 100; // utime + stime, USER_HZ = 100
    } catch {
      /* process gone */
    }
  }
  return out;
}

const cpuDelta = (a, b) => Object.fromEntries(Object.keys(b).map((k) => [k, +(b[k] - (a[k] ?? 0)).toFixed(2)]));

async function measure(target, spec, warm) {
  if (warm) await runLoad({ concurrency: spec.concurrency, durationMs: spec.warmupMs, ...target });
  const before = groupCpu(target.group);
  const m = await runLoad({ concurrency: spec.concurrency, durationMs: spec.durationMs, ...target, keep: true });
  return { ...m, cpuS: cpuDelta(before, groupCpu(target.group)) };
}

/** Rounds merged: units and requests per second over the summed time, percentiles over all latencies. */
function merge(list, unit) {
  const lat = list.flatMap((m) => m.latencies).sort((a, b) => a - b);
  const elapsed = list.reduce((a, m) => a + m.elapsedMs, 0);
  const units = list.reduce((a, m) => a + m.units, 0);
  const cpu = {};
  for (const m of list) for (const [k, v] of Object.entries(m.cpuS)) cpu[k] = (cpu[k] ?? 0) + v;
  return {
    requests: lat.length,
    units,
    perSecond: (units / elapsed) * 1000,
    requestsPerSecond: (lat.length / elapsed) * 1000,
    p50Ms: percentile(lat, 50),
    p99Ms: percentile(lat, 99),
    rounds: list.map((m) => +m.perSecond.toFixed(1)),
    [`cpuMsPer${unit}`]: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, +((v * 1000) / units).toPrecision(4)])),
  };
}

/** Each target measured ROUNDS times (warmed up before the first), the order reversed every other round. */
async function rounds(targets, spec, unit, say) {
  const acc = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
  const names = Object.keys(targets);
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 ? [...names].reverse() : names) {
      const m = await measure(targets[name], spec, round === 0);
      acc[name].push(m);
      say(`round ${round + 1} ${name}: ${Math.round(m.perSecond)} ${unit.toLowerCase()}s/s, p50 ${m.p50Ms.toFixed(1)} ms`);
    }
  }
  return Object.fromEntries(names.map((k) => [k, merge(acc[k], unit)]));
}

function ingestTarget(kind, size, make) {
  const { ws, tz, key } = plan.ingest;
  const side = kind === 'trayecto' ? plan.trayecto : plan.baseline;
  // The baseline has no keys: the workspace (for identical rows) comes in the query.
  const paths = { trayecto: '/v1/events', baseline: `/events?ws=${ws}&tz=${encodeURIComponent(tz)}`, 'json ×1': '/probe/json-statements?n=1', 'json ×7': '/probe/json-statements?n=7' };
  paths['baseline-pk'] = paths.baseline.replace('/events', '/events-pk');
  const url = new URL(paths[kind], side.base);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
  return {
    group: side.group,
    next: () => {
      const body = make(size);
      // A single event is sent as itself, not as a batch of one.
      return { url, method: 'POST', headers, body: size === 1 ? body.slice(10, -2) : body, size };
    },
    check: (res, r) => {
      if (res.status !== 202) throw new Error(`${kind} batch of ${size}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
      if (JSON.parse(res.text).accepted !== r.size) throw new Error(`${kind} batch of ${size}: ${res.text.slice(0, 300)}`);
      return r.size;
    },
  };
}

function readTarget(pathname, status, headers = {}, side = plan.trayecto) {
  const url = new URL(pathname, side.base);
  return {
    group: side.group,
    next: () => ({ url, headers }),
    check: (res) => {
      if (res.status !== status) throw new Error(`GET ${pathname}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
      return 1;
    },
  };
}

async function main() {
  const say = (msg) => console.log(msg);
  const pool = eventPool();
  const out = { rounds: ROUNDS, ingest: { ...INGEST, sizes: {} }, reads: { ...READS } };
  for (const size of INGEST.sizes) {
    const make = bodyMaker(pool.activity, `http-${size}-${Date.now()}`);
    const targets = Object.fromEntries(['trayecto', 'baseline-pk', 'baseline'].map((k) => [k, ingestTarget(k, size, make)]));
    out.ingest.sizes[size] = await rounds(targets, INGEST, 'Event', (m) => say(`ingest ${size}/request ${m}`));
  }
  // The rows' JSON bound to one statement and to seven, as Trayecto's ingest batch bound it until
  // commit 28e10b7 (now only its events insert gets the rows): what that cost
  // (events, customers, dirty days, the late note, three for cases).
  const make = bodyMaker(pool.activity, `http-json-${Date.now()}`);
  const json = Object.fromEntries(['json ×1', 'json ×7'].map((k) => [k, ingestTarget(k, 500, make)]));
  out.ingest.jsonStatements = await rounds(json, { ...INGEST, durationMs: plan.quick ? 1500 : 2000 }, 'Event', (m) => say(`rows' JSON in statements ${m}`));
  const auth = { authorization: `Bearer ${plan.reads.key}` };
  const summary = await request(new URL('/v1/reports/summary?period=30d', plan.trayecto.base), { headers: auth });
  if (summary.status !== 200 || JSON.parse(summary.text).complete !== true) throw new Error(`summary: ${summary.status} ${summary.text.slice(0, 300)}`);
  out.reads.summaryBytes = Buffer.byteLength(summary.text);
  out.reads.routes = await rounds(
    {
      summary: readTarget('/v1/reports/summary?period=30d', 200, auth),
      whoami: readTarget('/v1/whoami', 200, auth),
      notFound: readTarget('/v1/no-such-route', 404),
      root: readTarget('/', 302),
    },
    READS,
    'Request',
    (m) => say(`reads ${m}`),
  );
  // The keyed routes' extra work taken apart: baseline probes that each do one thing.
  const probes = { noop: 'noop', 'one D1 query': 'd1', 'one Durable Object call (SQLite)': 'do', 'one rate-limit call': 'ratelimit', 'one SHA-256': 'sha256', 'D1 query + rate-limit call side by side': 'd1+ratelimit' };
  out.reads.probes = await rounds(
    Object.fromEntries(Object.entries(probes).map(([name, p]) => [name, readTarget(`/probe/${p}?s=${'x'.repeat(43)}`, 200, {}, plan.baseline)])),
    { ...READS, durationMs: plan.quick ? 1000 : 1500 },
    'Request',
    (m) => say(`probes ${m}`),
  );
  fs.writeFileSync(plan.out, JSON.stringify(out));
}

main().catch((err) => {
  console.error(err?.stack ?? String(err));
  process.exit(1);
});
