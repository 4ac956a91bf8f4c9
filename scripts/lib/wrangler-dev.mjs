// What `npm start` and the browser suite share about a local `wrangler dev`.
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits until `base` answers GET /openapi.json with 200. `exited` settles when the wrangler
 * process ends: then it throws at once (with `why(exit)`), as it does after `timeoutMs`.
 */
export async function waitForReady(base, exited, { timeoutMs, why = (e) => JSON.stringify(e) }) {
  const deadline = Date.now() + timeoutMs;
  let gone = null;
  void exited.then((r) => (gone = r));
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (gone) throw new Error(`wrangler dev stopped before the server was ready (${why(gone)})`);
    try {
      const res = await fetch(`${base}/openapi.json`, { signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = String(err?.cause?.code ?? err?.message ?? err);
    }
    await sleep(250);
  }
  throw new Error(`${base}/openapi.json did not answer 200 within ${timeoutMs / 1000} s (last: ${last})`);
}
