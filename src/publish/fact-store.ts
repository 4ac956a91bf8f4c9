// The period facts a rebuild keeps for the next one (PeriodFacts' FactStore), in KV. The key names
// the workspace and the basis the facts were computed from: this code's FACTS_VERSION, the
// workspace's facts_gen (moved on by every rollup, segment move, erasure and segment change) and a
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

// One KV value per basis holds every kept fact of the workspace (50 small entries: one
// read and at most one write per rebuild, not one per fact).
export class KvFactStore implements FactStore {
  private readonly pending = new Map<string, unknown>();

  private readonly key: string;

  private readonly kv: KVNamespace;

  private readonly ws: string;

  private readonly basis: string;

  private kept: Promise<Record<string, unknown>> | undefined;

  constructor(kv: KVNamespace, ws: string, basis: string) {
    this.kv = kv;
    this.ws = ws;
    this.basis = basis;
    this.key = `facts/${ws}/${basis}`;
  }

  private bundle(): Promise<Record<string, unknown>> {
    this.kept ??= (async () => {
      try {
        const text = await this.kv.get(this.key);
        return text === null ? {} : (JSON.parse(text, revive) as Record<string, unknown>);
      } catch (err) {
        console.error('kept facts not read', this.ws, err instanceof Error ? err.message : String(err));
        return {};
      }
    })();
    return this.kept;
  }

  async get(name: string): Promise<unknown> {
    return (await this.bundle())[name];
  }

  async put(name: string, value: unknown): Promise<void> {
    this.pending.set(name, value);
  }

  /** Writes the facts computed since (with those read), if their basis is still the current one; how many new. */
  async flush(d1: D1Database): Promise<number> {
    if (!this.pending.size || (await factsBasis(d1, this.ws)) !== this.basis) return 0;
    const all = { ...(await this.bundle()), ...Object.fromEntries(this.pending) };
    try {
      await this.kv.put(this.key, JSON.stringify(all, replace), { expirationTtl: TTL_SECONDS });
      // An erasure (which moves the basis, then deletes every kept fact) may have listed the keys
      // between the check above and this write: then the write goes too.
      if ((await factsBasis(d1, this.ws)) !== this.basis) {
        await this.kv.delete(this.key);
        return 0;
      }
      return this.pending.size;
    } catch (err) {
      console.error('kept facts not written', this.ws, err instanceof Error ? err.message : String(err));
      return 0;
    }
  }
}
