import { drizzle } from 'drizzle-orm/d1';
import * as schema from '../db/schema.ts';

/** D1 in production refuses statements binding more than 100 parameters; local D1 does not. */
export const MAX_BOUND_PARAMETERS = 100;

/** The most parameters any statement has bound in this isolate: tests read it. */
export const boundParameterStats = { max: 0 };

export class TooManyParametersError extends Error {}

// Wraps D1 so that a statement's bind() enforces the production limit everywhere, including
// local dev and tests where D1 itself would accept it. Each entry point (fetch, scheduled, each
// queue consumer) wraps env.DB once and hands the wrapped one down.
export function guardD1(db: D1Database): D1Database {
  const guardStatement = (stmt: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(stmt, {
      get(target, prop, receiver) {
        if (prop === 'bind') {
          return (...values: unknown[]) => {
            if (values.length > MAX_BOUND_PARAMETERS) {
              throw new TooManyParametersError(`statement binds ${values.length} parameters (max ${MAX_BOUND_PARAMETERS})`);
            }
            boundParameterStats.max = Math.max(boundParameterStats.max, values.length);
            return guardStatement(target.bind(...values));
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'prepare') return (query: string) => guardStatement(target.prepare(query));
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Every entry point's env, with its D1 wrapped once (src/index.ts, the drain Workflow). */
export function guardEnv<E extends { DB: D1Database }>(env: E): E {
  return { ...env, DB: guardD1(env.DB) };
}

/** Drizzle over a D1 that an entry point has already wrapped (env.DB below guardEnv). */
export function database(d1: D1Database) {
  return drizzle(d1, { schema });
}

export type Database = ReturnType<typeof database>;
