import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type FieldError = { path: string; message: string };

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/** An error a handler throws to answer with an RFC 9457 problem. */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly slug: string;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;

  constructor(status: ContentfulStatusCode, slug: string, detail: string, errors?: FieldError[], headers?: Record<string, string>) {
    super(detail);
    this.status = status;
    this.slug = slug;
    this.errors = errors;
    this.headers = headers;
  }
}

export function problemBody(status: number, slug: string, detail: string, errors?: FieldError[]): Problem {
  const body: Problem = { type: `https://trayecto.dev/problems/${slug}`, title: TITLES[status] ?? 'Error', status, detail };
  if (errors) body.errors = errors;
  return body;
}

export function problemResponse(
  status: number,
  slug: string,
  detail: string,
  errors?: FieldError[],
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(problemBody(status, slug, detail, errors)), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });
}

export function problem(c: Context, err: ApiError): Response {
  return problemResponse(err.status, err.slug, err.message, err.errors, err.headers);
}

/** zod issues → `[{path: "batch.3.score", message}]`. */
export function zodErrors(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>, prefix: string[] = []): FieldError[] {
  return issues.map((i) => ({ path: [...prefix, ...i.path.map(String)].join('.'), message: i.message }));
}

export const invalid = (errors: FieldError[], detail = 'The request has invalid fields; see errors.') =>
  new ApiError(400, 'validation', detail, errors);
