import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.ts';
import { ApiError } from './problem.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

export const JSON_TYPE = /^application\/([a-z0-9.-]+\+)?json\s*(;.*)?$/i;

// JSON can escape lone surrogates (`"\ud800"`): not Unicode text, and D1 would store them as
// invalid UTF-8 that reads back as U+FFFD, so two different ids would read back the same.
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F][0-9a-fA-F]{2}/;
function wellFormed(key: string, value: unknown): unknown {
  if (!key.isWellFormed() || (typeof value === 'string' && !value.isWellFormed())) throw new SyntaxError('lone surrogate');
  return value;
}

export const tooLarge = (limit: number) => new ApiError(413, 'body-too-large', `The body is larger than ${limit} bytes${limit === MAX_BODY_BYTES ? ' (1 MiB)' : ''}.`);

/** Reads at most `limit` bytes of the stream (413 past it); never buffers more than that. */
export async function readLimited(body: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Parses UTF-8 JSON bytes (400 unless they parse), refusing lone surrogates. */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return JSON.parse(text, SURROGATE_ESCAPE.test(text) ? wellFormed : undefined);
  } catch {
    throw new ApiError(400, 'malformed-json', 'The body is not valid UTF-8 JSON.');
  }
}

// analytics.js posts its JSON as text/plain (a "simple" request, which needs no CORS preflight).
const JSON_OR_TEXT = /^(application\/([a-z0-9.-]+\+)?json|text\/plain)\s*(;.*)?$/i;

/**
 * For POST/PUT/PATCH: 413 past `limit` bytes (checked before reading), 415 unless JSON, 400
 * unless it parses. The parsed body is cached on the request for the route's zod validator.
 */
export const jsonBodyOf = (limit: number, { allowTextPlain = false } = {}) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (!['POST', 'PUT', 'PATCH'].includes(c.req.method)) return next();
    const declared = Number(c.req.header('content-length') ?? 'NaN');
    if (declared > limit) throw tooLarge(limit);
    const type = c.req.header('content-type') ?? '';
    if (!(allowTextPlain ? JSON_OR_TEXT : JSON_TYPE).test(type)) {
      throw new ApiError(415, 'unsupported-media-type', 'Send the body as JSON with `Content-Type: application/json`.');
    }
    const bytes = c.req.raw.body ? await readLimited(c.req.raw.body, limit) : new Uint8Array();
    const parsed = parseJsonBytes(bytes);
    // The route's zod validator reads the body through c.req.json(). Hono's own json() would
    // serialize this cached value back to text and parse it again (1–2 ms for a batch of 500):
    // it gets the parsed value itself.
    c.req.bodyCache.json = Promise.resolve(parsed);
    c.req.json = () => Promise.resolve(parsed as never);
    c.set('rawBody', parsed);
    c.set('rawBytes', bytes);
    await next();
  });

export const jsonBody = jsonBodyOf(MAX_BODY_BYTES);
