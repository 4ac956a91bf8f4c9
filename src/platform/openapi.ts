import { z } from '@hono/zod-openapi';
import { CHANNELS } from '../db/schema.ts';
import { isValidDay } from './time.ts';

/** A local calendar day. */
export const Day = z.string().refine(isValidDay, 'must be a date YYYY-MM-DD');

export const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;

/** A configuration key (stage, touchpoint, alert rule): 1–100 of letters, digits, `_.:-`. */
export const Key = z.string().regex(KEY_PATTERN, 'must be 1–100 letters, digits or _.:- and start with a letter or digit');
/** The `:key` path parameter of a keyed resource (stages, touchpoints, themes, rules…). */
export const KeyParams = z.object({ key: Key.openapi({ param: { name: 'key', in: 'path' } }) });

export const Channel = z.enum(CHANNELS);

/** An ISO 4217 currency code the runtime knows (Intl), e.g. EUR. */
export const Currency = z
  .string()
  .refine((c) => /^[A-Z]{3}$/.test(c) && Intl.supportedValuesOf('currency').includes(c), 'must be an ISO 4217 currency code, e.g. EUR or USD')
  .openapi({ example: 'EUR', description: "ISO 4217: the money of interactions' `value`" });

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

const PROBLEM_TEXT: Record<number, string> = {
  400: 'Invalid input (problem+json; `errors[].path` points at each bad field)',
  401: 'Missing, unknown or revoked key',
  403: 'The key lacks the needed scope',
  404: 'Not found in this workspace',
  409: 'Conflicts with existing data',
  413: 'Body larger than 1 MiB',
  415: 'Body is not JSON',
  429: 'This key used up its request window; `Retry-After` says when to come back',
};

/** OpenAPI responses for the problems a route can answer with. */
export function problems(...codes: number[]) {
  // Every route that takes a scoped key (and so may answer 403) is rate limited per key.
  if (codes.includes(403)) codes = [...codes, 429];
  return Object.fromEntries(
    codes.map((code) => [code, { description: PROBLEM_TEXT[code], content: { 'application/problem+json': { schema: ProblemSchema } } }]),
  );
}

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const jsonRequest = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

export const bearer = [{ bearer: [] as string[] }];

/** What every report carries (SPEC "Reports"). */
export const Envelope = {
  from: z.string(),
  to: z.string(),
  timezone: z.string(),
  generatedAt: z.string(),
  complete: z.boolean().openapi({ description: 'Every day of the range (for summary: and of the previous period) is rolled up' }),
  pendingDays: z.number().int().openapi({ description: 'Days of the range still waiting for a rollup' }),
};
