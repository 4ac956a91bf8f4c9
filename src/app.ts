import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { TooManyParametersError } from './platform/d1.ts';
import type { AppEnv } from './env.ts';
import { ApiError, problem, problemResponse } from './platform/problem.ts';
import { alertRulesRoutes } from './routes/alert-rules.ts';
import { casesRoutes } from './routes/cases.ts';
import { rootCausesRoutes } from './routes/root-causes.ts';
import { metricAlertsRoutes } from './routes/metric-alerts.ts';
import { customersRoutes } from './routes/customers.ts';
import { dashboardRoutes } from './routes/dashboard.tsx';
import { docsRoutes } from './routes/docs.tsx';
import { eventsRoutes } from './routes/events.ts';
import { keysRoutes } from './routes/keys.ts';
import { mappingsRoutes } from './routes/mappings.ts';
import { reportsRoutes } from './routes/reports.ts';
import { voiceReportsRoutes } from './routes/voice-reports.ts';
import { rollupsRoutes } from './routes/rollups.ts';
import { segmentRoutes } from './routes/segment.ts';
import { sourcesRoutes } from './routes/sources.ts';
import { stagesRoutes } from './routes/stages.ts';
import { themesRoutes } from './routes/themes.ts';
import { touchpointsRoutes } from './routes/touchpoints.ts';
import { webhookRoutes } from './routes/webhook.ts';
import { whoamiRoutes } from './routes/whoami.ts';
import { settingsRoutes } from './routes/settings.ts';
import { workspacesRoutes } from './routes/workspaces.ts';

type RouteEntry = { method: string; path: string };

type MethodPattern = { method: string; re: RegExp };

/** Each registered route as a pattern, once: a 404 would otherwise compile one RegExp per route. */
const methodPatterns = (routes: RouteEntry[]): MethodPattern[] =>
  routes
    .filter((r) => r.method !== 'ALL' && !r.path.includes('*'))
    .map((r) => ({ method: r.method, re: new RegExp(`^${r.path.replace(/:[A-Za-z0-9_]+/g, '[^/]+')}/?$`) }));

/** Methods registered for a path, so that a known path with the wrong method answers 405. */
function allowedMethods(patterns: MethodPattern[], path: string): string[] {
  const methods = new Set<string>();
  for (const p of patterns) if (p.re.test(path)) methods.add(p.method);
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods];
}

export function createApp() {
  const app = new OpenAPIHono<AppEnv>();

  app.use('*', async (c, next) => {
    await next();
    c.header('x-content-type-options', 'nosniff');
  });

  app.route('/v1/workspaces', workspacesRoutes);
  app.route('/v1/stages', stagesRoutes);
  app.route('/v1/themes', themesRoutes);
  app.route('/v1/touchpoints', touchpointsRoutes);
  app.route('/v1/keys', keysRoutes);
  app.route('/v1/events', eventsRoutes);
  app.route('/v1/rollups', rollupsRoutes);
  app.route('/v1/customers', customersRoutes);
  app.route('/v1/reports', reportsRoutes);
  app.route('/v1/reports', voiceReportsRoutes);
  app.route('/v1/workspace', settingsRoutes);
  app.route('/v1/whoami', whoamiRoutes);
  app.route('/v1/alert-rules', alertRulesRoutes);
  app.route('/v1/webhook', webhookRoutes);
  app.route('/v1/cases', casesRoutes);
  app.route('/v1/root-causes', rootCausesRoutes);
  app.route('/v1/metric-alerts', metricAlertsRoutes);
  app.route('/v1', segmentRoutes);
  app.route('/v1/mappings', mappingsRoutes);
  app.route('/v1/sources', sourcesRoutes);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A workspace key (`tr_<scope>_…`) or, for creating workspaces, the operator ADMIN_TOKEN.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'segmentWriteKey', {
    type: 'http',
    scheme: 'basic',
    description: 'Segment clients: an ingest key as the Basic auth user with an empty password (or `writeKey` in the body).',
  });
  const docConfig = {
    openapi: '3.1.0',
    info: {
      title: 'Trayecto API',
      version: '1.0.0',
      description: 'Customer-experience events in; NPS, CSAT, CES, churn, retention and resolution out.',
    },
  };
  app.doc31('/openapi.json', docConfig);
  app.route('/', docsRoutes(() => app.getOpenAPI31Document(docConfig)));
  app.route('/', dashboardRoutes);
  app.get('/', (c) => c.redirect('/docs'));

  // Built at the first unmatched request, when every route is registered.
  let patterns: MethodPattern[] | null = null;
  app.notFound((c: Context) => {
    const allow = allowedMethods((patterns ??= methodPatterns(app.routes)), c.req.path);
    if (allow.length) {
      return problemResponse(405, 'method-not-allowed', `${c.req.method} is not allowed on ${c.req.path}.`, undefined, {
        allow: allow.join(', '),
      });
    }
    return problemResponse(404, 'not-found', `No route ${c.req.method} ${c.req.path}.`);
  });

  app.onError((err, c) => {
    if (err instanceof ApiError) return problem(c, err);
    if (err instanceof HTTPException) return problemResponse(err.status, 'http', err.message || 'Request failed.');
    if (err instanceof TooManyParametersError) console.error('d1 parameter limit', err.message);
    else console.error('unhandled', err instanceof Error ? err.stack : String(err));
    return problemResponse(500, 'internal', 'Something went wrong on our side; nothing from this request was stored.');
  });

  return app;
}
