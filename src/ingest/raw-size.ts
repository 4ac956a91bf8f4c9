// The bytes each event took in the request as sent: the 32 KiB limit is on what the client sent,
// not on the parsed value (duplicate keys collapse when parsed and would hide bytes). A scan of
// the UTF-8 bytes: JSON's structural characters, quotes and backslashes are all ASCII, so the
// scan never needs to decode a string.
const [QUOTE, BACKSLASH, OPEN_OBJ, CLOSE_OBJ, OPEN_ARR, CLOSE_ARR, COMMA] = [34, 92, 123, 125, 91, 93, 44];
const isSpace = (b: number) => b === 32 || b === 9 || b === 10 || b === 13;

/** Index just past the JSON value starting at `i` (the body already parsed, so it is well formed). */
function skipValue(bytes: Uint8Array, i: number): number {
  let depth = 0;
  for (; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === QUOTE) {
      for (i++; bytes[i] !== QUOTE; i++) if (bytes[i] === BACKSLASH) i++;
      if (depth === 0) return i + 1;
    } else if (depth === 0 && (b === COMMA || b === CLOSE_OBJ || b === CLOSE_ARR || isSpace(b))) return i; // end of a number, true, false, null
    else if (b === OPEN_OBJ || b === OPEN_ARR) depth++;
    else if (b === CLOSE_OBJ || b === CLOSE_ARR) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return i;
}

const skipSpace = (bytes: Uint8Array, i: number) => {
  while (i < bytes.length && isSpace(bytes[i])) i++;
  return i;
};

/**
 * Byte sizes of the elements of the body's top-level `batch` array, in order; null when the
 * body is no object with a `batch` array (then the body is one event: its size is its length).
 * A `batch` key given twice counts as JSON.parse does: the last one.
 */
export function batchElementSizes(bytes: Uint8Array): number[] | null {
  let i = skipSpace(bytes, 0);
  if (bytes[i] !== OPEN_OBJ) return null;
  let sizes: number[] | null = null;
  for (i = skipSpace(bytes, i + 1); i < bytes.length && bytes[i] !== CLOSE_OBJ; ) {
    const keyEnd = skipValue(bytes, i);
    // Decoded as JSON.parse would ("\u0062atch" is "batch" too).
    const key = JSON.parse(new TextDecoder().decode(bytes.subarray(i, keyEnd))) as string;
    i = skipSpace(bytes, skipSpace(bytes, keyEnd) + 1); // past the colon
    if (key === 'batch' && bytes[i] === OPEN_ARR) {
      sizes = [];
      for (i = skipSpace(bytes, i + 1); bytes[i] !== CLOSE_ARR; ) {
        const end = skipValue(bytes, i);
        sizes.push(end - i);
        i = skipSpace(bytes, end);
        if (bytes[i] === COMMA) i = skipSpace(bytes, i + 1);
      }
      i++;
    } else i = skipValue(bytes, i);
    i = skipSpace(bytes, i);
    if (bytes[i] === COMMA) i = skipSpace(bytes, i + 1);
  }
  return sizes;
}
