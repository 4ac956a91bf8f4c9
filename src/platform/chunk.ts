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
