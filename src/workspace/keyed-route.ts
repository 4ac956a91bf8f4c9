// Route declarations that always carry their auth: a keyed route cannot be declared without
// the scope it needs, its 401/403/429 answers, its `security` in the OpenAPI document and an
// `x-scope` extension there, which test/scopes.test.ts reads to test every route's auth.
import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { Scope } from '../env.ts';
import { bearer, problems } from '../platform/openapi.ts';
import { requireOperator, requireScope, type KeySource } from './auth.ts';

type Config<P extends string> = Omit<RouteConfig, 'path' | 'security'> & { path: P };
type Options = {
  /** Where the key is read from (default: `Authorization: Bearer`). */
  key?: KeySource;
  /** Middleware that must run before the key check (a key read from the body needs the body). */
  before?: MiddlewareHandler[];
  /** The schemes the document names (default: bearer); for a key read from elsewhere as well. */
  security?: RouteConfig['security'];
};

const asList = (m: RouteConfig['middleware']): MiddlewareHandler[] => (m === undefined ? [] : Array.isArray(m) ? m : [m]) as MiddlewareHandler[];

function keyed(scope: Scope | 'any') {
  return <P extends string, R extends Config<P>>(config: R, options: Options = {}) =>
    createRoute({
      ...config,
      security: options.security ?? bearer,
      'x-scope': scope,
      middleware: [...(options.before ?? []), requireScope(scope, options.key), ...asList(config.middleware)],
      responses: { ...problems(401, ...(scope === 'any' ? [] : [403])), ...config.responses },
    } as R & { security: typeof bearer });
}

/** Needs an admin key. */
export const adminRoute = keyed('admin');
/** Needs a read key (an admin key also reads). */
export const readRoute = keyed('read');
/** Needs an ingest key. */
export const ingestRoute = keyed('ingest');
/** Takes a key of any scope. */
export const anyKeyRoute = keyed('any');

/** Needs the operator token (ADMIN_TOKEN), which no workspace key stands in for. */
export const operatorRoute = <P extends string, R extends Config<P>>(config: R) =>
  createRoute({
    ...config,
    security: bearer,
    'x-scope': 'operator',
    middleware: [requireOperator, ...asList(config.middleware)],
    responses: { ...problems(401), ...config.responses },
  } as R & { security: typeof bearer });
