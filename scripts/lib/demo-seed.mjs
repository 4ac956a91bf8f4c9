// Filling a workspace with the demo through the public API: what `npm start` and the
// browser suite's seed share (the inventory, the events in concurrent batches).
import { STAGES, THEMES, TOUCHPOINTS } from '../demo-data.mjs';
import { expectStatus, sendBatch } from './api.mjs';

/** PUT every journey stage, every touchpoint (the demo's, or `touchpoints`), then the themes of the comments. */
export async function configureDemo(api, adminKey, { touchpoints = TOUCHPOINTS } = {}) {
  for (const { key, ...body } of STAGES) expectStatus(await api('PUT', `/v1/stages/${key}`, { key: adminKey, body }), 200, `PUT /v1/stages/${key}`);
  for (const { key, ...body } of touchpoints) expectStatus(await api('PUT', `/v1/touchpoints/${key}`, { key: adminKey, body }), 200, `PUT /v1/touchpoints/${key}`);
  for (const { key, ...body } of THEMES) expectStatus(await api('PUT', `/v1/themes/${key}`, { key: adminKey, body }), 200, `PUT /v1/themes/${key}`);
  return { stages: STAGES.length, touchpoints: touchpoints.length, themes: THEMES.length };
}

/**
 * Sends `batches[from…]` with `concurrency` requests in flight. `onBatch(i, answer)` runs as
 * each is accepted (not in order). Returns the sums of `accepted` and `duplicates`.
 */
export async function sendBatches(api, ingestKey, batches, { from = 0, concurrency = 2, stopping = () => false, onBatch = () => {} } = {}) {
  let accepted = 0;
  let duplicates = 0;
  let next = from;
  const worker = async () => {
    while (next < batches.length && !stopping()) {
      const i = next++;
      const r = await sendBatch(api, ingestKey, batches[i], `batch ${i + 1}/${batches.length}`, { stopping });
      if (!r) return;
      accepted += r.accepted;
      duplicates += r.duplicates;
      onBatch(i, r);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { accepted, duplicates };
}
