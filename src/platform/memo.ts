// A small in-isolate cache: entries expire after `ttlMs`, and the least recently used go
// first once `maxEntries` or `maxBytes` is reached. An isolate serves many requests, so hot
// lookups skip a round-trip; each isolate has its own copy, which is why every use here
// either caches immutable values or bounds staleness with a short TTL.
export class Memo<V> {
  private entries = new Map<string, { value: V; expires: number; bytes: number }>();
  private bytes = 0;

  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly maxBytes: number;

  constructor(ttlMs: number, maxEntries: number, maxBytes = Infinity) {
    this.ttlMs = ttlMs;
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }

  get(key: string, now = Date.now()): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    this.entries.delete(key);
    if (hit.expires <= now) {
      this.bytes -= hit.bytes;
      return undefined;
    }
    this.entries.set(key, hit);
    return hit.value;
  }

  set(key: string, value: V, bytes = 0, now = Date.now()): void {
    this.delete(key);
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { value, expires: now + this.ttlMs, bytes });
    this.bytes += bytes;
    for (const [k] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.delete(k);
    }
  }

  delete(key: string): void {
    const hit = this.entries.get(key);
    if (!hit) return;
    this.bytes -= hit.bytes;
    this.entries.delete(key);
  }
}
