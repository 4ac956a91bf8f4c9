import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { DocsPage, type OpenApiDoc } from '../platform/docs-page.tsx';

export const docsRoutes = (getDoc: () => unknown) =>
  new Hono<AppEnv>().get('/docs', (c) => c.html(<DocsPage doc={getDoc() as OpenApiDoc} />));
