// The period facts a rebuild keeps for the next one (PeriodFacts' FactStore), in KV. A key names
// the workspace and the basis the facts were computed from: this code's FACTS_VERSION, the
// workspace's facts_gen (moved on by every rollup, segment move, erasure and identify) and a
// digest of the touchpoints (their channel and stage group tickets). A change to any of them
// makes new keys, so no entry is ever stale and none needs deleting. Facts are written only at
// the end of the rebuild, and only if the basis did not move while they were computed (a change
// landing mid-rebuild must not be kept under the basis before it). An entry missing (expired,
// not yet visible at this location: KV is eventually consistent) or a KV failure means
// computing the fact again, never a failed rebuild.
import { sha256Hex } from '../platform/crypto.ts';
import type { FactStore } from '../reports/period-facts.ts';

/** Bump when the computation of a kept fact changes: entries written by older code are not read. */
const FACTS_VERSION = 1;
const TTL_SECONDS = 2 * 86_400; // standard ranges move on daily; a day's rebuilds share them

// Maps (facts keyed by dimension) survive JSON as tagged entry lists.
const replace = (_: string, v: unknown) => (v instanceof Map ? { $map: [...v] } : v);
const revive = (_: string, v: unknown) =>
  v && typeof v === 'object' && '$map' in v && Array.isArray((v as { $map: unknown }).$map) ? new Map((v as { $map: [unknown, unknown][] }).$map) : v;

/** What kept facts depend on besides the events: FACTS_VERSION, facts_gen and the touchpoints, read now. */
export async function factsBasis(d1: D1Database, ws: string): Promise<string> {
  const [state, touchpoints] = await d1.batch([
    d1.prepare('SELECT facts_gen FROM rollup_state WHERE workspace_id = ?1').bind(ws),
    d1.prepare('SELECT "key", stage, channel FROM touchpoints WHERE workspace_id = ?1 ORDER BY "key"').bind(ws),
  ]);
  const gen = (state.results as { facts_gen: number }[])[0]?.facts_gen ?? 0;
  const digest = await sha256Hex(JSON.stringify((touchpoints.results as { key: string; stage: string; channel: string }[]).map((t) => [t.key, t.stage, t.channel])));
  return `${FACTS_VERSION}.${gen}.${digest.slice(0, 16)}`;
}

export class KvFactStore implements FactStore {
  private readonly pending = new Map<string, string>();

  private readonly prefix: string;

  private readonly kv: KVNamespace;

  private readonly ws: string;

  private readonly basis: string;

  constructor(kv: KVNamespace, ws: string, basis: string) {
    this.kv = kv;
    this.ws = ws;
    this.basis = basis;
    this.prefix = `facts/${ws}/${basis}/`;
  }

  async get(name: string): Promise<unknown> {
    try {
      const text = await this.kv.get(this.prefix + name);
      return text === null ? undefined : JSON.parse(text, revive);
    } catch (err) {
      console.error('kept fact not read', this.ws, err instanceof Error ? err.message : String(err));
      return undefined;
    }
  }

  async put(name: string, value: unknown): Promise<void> {
    this.pending.set(name, JSON.stringify(value, replace));
  }

  /** Writes the facts computed since, if their basis is still the current one; how many. */
  async flush(d1: D1Database): Promise<number> {
    if (!this.pending.size || (await factsBasis(d1, this.ws)) !== this.basis) return 0;
    const writes = [...this.pending].map(([name, text]) => this.kv.put(this.prefix + name, text, { expirationTtl: TTL_SECONDS }));
    const failed = (await Promise.allSettled(writes)).filter((r) => r.status === 'rejected').length;
    if (failed) console.error('kept facts not written', this.ws, failed);
    return writes.length - failed;
  }
}
