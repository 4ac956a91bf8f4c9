// Load generation and measurement: keep-alive HTTP (node:http is far lighter than fetch, and
// the client shares the 2 cores with workerd), a fixed number of requests in flight for a
// fixed time, latency percentiles, and memory / CPU of the workerd and Node processes.
import fs from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** One HTTP request; resolves with {status, headers, text}. */
export function request(url, { method = 'GET', headers = {}, body, timeoutMs } = {}) {
  return new Promise((resolve, reject) => {
    const h = { ...headers };
    if (body !== undefined) h['content-length'] = Buffer.byteLength(body);
    const req = http.request(url, { method, headers: h, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (timeoutMs) req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'BENCH_TIMEOUT' })));
    req.end(body);
  });
}

export function percentile(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Runs `concurrency` loops for `durationMs`, each sending next() and handing the answer to
 * check() (which throws on a wrong answer and returns how many units — events — it carried).
 * Requests still in flight at the deadline are awaited and counted.
 */
export async function runLoad({ concurrency, durationMs, next, check, keep = false }) {
  const latencies = [];
  let units = 0;
  const start = performance.now();
  const deadline = start + durationMs;
  const loop = async () => {
    while (performance.now() < deadline) {
      const r = next();
      const t0 = performance.now();
      const res = await request(r.url, r);
      latencies.push(performance.now() - t0);
      units += check(res, r);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsedMs = performance.now() - start;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    units,
    elapsedMs,
    perSecond: (units / elapsedMs) * 1000,
    requestsPerSecond: (latencies.length / elapsedMs) * 1000,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    ...(keep ? { latencies } : {}),
  };
}

function statusKiB(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

// Writing 5 to clear_refs resets a process's peak RSS (VmHWM), so each phase gets its own peak.
function resetPeak(pid) {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    /* not allowed: sampling still bounds the peak from below */
  }
}

/**
 * Peak memory and CPU of workerd (found again on every sample, since a phase may restart
 * it) and of this Node process, from the start of a phase to stop().
 */
export function monitor(getWorkerdPid) {
  let pid = getWorkerdPid();
  const peak = { workerd: 0, node: 0 };
  const nodeCpu = process.cpuUsage();
  let workerdCpu = 0;
  let cpuStart = pid ? cpuSeconds(pid) : null;
  let cpuLast = cpuStart;
  if (pid) resetPeak(pid);
  resetPeak(process.pid);
  const sample = () => {
    const now = getWorkerdPid();
    if (now !== pid) {
      if (cpuStart !== null) workerdCpu += cpuLast - cpuStart;
      pid = now;
      cpuStart = cpuLast = pid ? cpuSeconds(pid) : null;
    }
    if (pid) {
      cpuLast = cpuSeconds(pid) ?? cpuLast;
      peak.workerd = Math.max(peak.workerd, statusKiB(pid, 'VmRSS') ?? 0, statusKiB(pid, 'VmHWM') ?? 0);
    }
    peak.node = Math.max(peak.node, statusKiB(process.pid, 'VmHWM') ?? 0);
  };
  const timer = setInterval(sample, 100);
  return {
    /** Call right before the workerd process is stopped, so that its last CPU and peak count. */
    sample,
    stop() {
      clearInterval(timer);
      sample();
      if (cpuStart !== null) workerdCpu += cpuLast - cpuStart;
      const n = process.cpuUsage(nodeCpu);
      return {
        workerdPeakMiB: +(peak.workerd / 1024).toFixed(1),
        nodePeakMiB: +(peak.node / 1024).toFixed(1),
        workerdCpuS: +workerdCpu.toFixed(2),
        nodeCpuS: +((n.user + n.system) / 1e6).toFixed(2),
      };
    },
  };
}

/** One JSON call: Bearer key, JSON body; the answer with its parsed JSON (undefined if none). */
export async function jsonCall(base, method, pathname, { key, body, headers = {}, timeoutMs } = {}) {
  const h = { ...headers };
  if (key) h.authorization = `Bearer ${key}`;
  if (body !== undefined) h['content-type'] = 'application/json';
  const res = await request(new URL(pathname, base), { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), timeoutMs });
  let json;
  try {
    json = res.text ? JSON.parse(res.text) : undefined;
  } catch {
    json = undefined;
  }
  return { ...res, json };
}
