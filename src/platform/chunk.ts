/**
 * Splits values into groups whose sizes add up to at most `limit` (each counted with one byte
 * more, a JSON separator) and that hold at most `maxItems`; a lone value larger than the limit
 * gets a group of its own.
 */
export function chunkBySize<T>(items: T[], size: (item: T) => number, limit: number, maxItems = Infinity): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let total = 0;
  for (const item of items) {
    const n = size(item) + 1;
    if (current.length && (total + n > limit || current.length >= maxItems)) {
      chunks.push(current);
      current = [];
      total = 0;
    }
    current.push(item);
    total += n;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/** Characters of JSON one bound parameter carries at most, so that no statement binds an unbounded one. */
const JSON_PARAM_CHARS = 50_000;

/**
 * One prepared statement per chunk of `items` (each already JSON text), bound to `head` and then
 * the chunk as a JSON array: `sql` walks it with json_each.
 */
export function jsonChunkStatements(d1: D1Database, sql: string, head: unknown[], items: string[]): D1PreparedStatement[] {
  return chunkBySize(items, (s) => s.length, JSON_PARAM_CHARS).map((c) => d1.prepare(sql).bind(...head, `[${c.join(',')}]`));
}
