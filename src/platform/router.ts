import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../env.ts';
import { invalid, zodErrors } from './problem.ts';

/** A sub-app whose zod validation failures become 400 problems with `errors[].path`. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const where = result.target === 'json' ? [] : [result.target];
        throw invalid(zodErrors(result.error.issues, where));
      }
    },
  });
}
