// The period facts a rebuild keeps for the next one (PeriodFacts' FactStore), in KV. A key names
// the workspace, its facts_gen (moved on by every rollup, segment move or erasure) and a digest
// of the touchpoints (their channel and stage group tickets): a change to either makes new keys,
// so no entry is ever stale and none needs deleting. An entry missing (expired, or not yet seen
// at this location: KV is eventually consistent) is computed again.
import type { FactStore } from '../reports/period-facts.ts';
import { sha256Hex } from '../platform/crypto.ts';
import type { InventoryTouchpoint } from '../workspace/inventory.ts';

const TTL_SECONDS = 2 * 86_400; // standard ranges move on daily; a day's rebuilds share them

// Maps (facts keyed by dimension) survive JSON as tagged entry lists.
const replace = (_: string, v: unknown) => (v instanceof Map ? { $map: [...v] } : v);
const revive = (_: string, v: unknown) =>
  v && typeof v === 'object' && '$map' in v && Array.isArray((v as { $map: unknown }).$map) ? new Map((v as { $map: [unknown, unknown][] }).$map) : v;

export async function touchpointsDigest(touchpoints: Pick<InventoryTouchpoint, 'key' | 'stage' | 'channel'>[]): Promise<string> {
  return (await sha256Hex(JSON.stringify(touchpoints.map((t) => [t.key, t.stage, t.channel])))).slice(0, 16);
}

/** `digest`: the touchpoints' digest, asked for at the first use (the rebuild reads them anyway). */
export function kvFactStore(kv: KVNamespace, ws: string, factsGen: number, digest: () => Promise<string>): FactStore {
  let prefix: Promise<string> | undefined;
  const key = async (name: string) => `${await (prefix ??= digest().then((d) => `facts/${ws}/${factsGen}/${d}/`))}${name}`;
  return {
    async get(name) {
      const text = await kv.get(await key(name));
      return text === null ? undefined : JSON.parse(text, revive);
    },
    async put(name, value) {
      await kv.put(await key(name), JSON.stringify(value, replace), { expirationTtl: TTL_SECONDS });
    },
  };
}
