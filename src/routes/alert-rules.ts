import { z } from '@hono/zod-openapi';
import { ApiError } from '../platform/problem.ts';
import { createRouter } from '../platform/router.ts';
import { jsonBody } from '../platform/json-body.ts';
import { json, jsonRequest, Key, problems } from '../platform/openapi.ts';
import { adminRoute, readRoute } from '../workspace/keyed-route.ts';
import { checkRule } from '../loop/cases.ts';
import { SURVEYS } from '../metrics/definitions.ts';

const RuleInput = z
  .union([
    z.object({ survey: z.enum(SURVEYS), maxScore: z.number().int() }).strict(),
    z.object({ outcome: z.enum(['failure', 'abandoned']), criticalOnly: z.boolean().default(false) }).strict(),
  ])
  .openapi('AlertRuleInput', { description: 'A response at or below maxScore, or an interaction with that outcome' });
const Rule = z
  .object({
    key: z.string(),
    survey: z.string().nullable(),
    maxScore: z.number().int().nullable(),
    outcome: z.string().nullable(),
    criticalOnly: z.boolean(),
  })
  .openapi('AlertRule');
const params = z.object({ key: Key.openapi({ param: { name: 'key', in: 'path' } }) });
const admin = { tags: ['Closed loop'] };

type RuleRow = { key: string; survey: string | null; max_score: number | null; outcome: string | null; critical_only: number };
const ruleOut = (r: RuleRow) => ({ key: r.key, survey: r.survey, maxScore: r.max_score, outcome: r.outcome, criticalOnly: !!r.critical_only });

export const alertRulesRoutes = createRouter()
  .openapi(
    adminRoute({
      ...admin,
      method: 'put',
      path: '/{key}',
      summary: 'Create or replace an alert rule: which events open a follow-up case',
      middleware: [jsonBody],
      request: { params, body: jsonRequest(RuleInput) },
      responses: { 200: json(Rule, 'The rule as stored'), ...problems(400, 401, 403, 413, 415) },
    }),
    async (c) => {
      const { key } = c.req.valid('param');
      const body = c.req.valid('json');
      const rule = 'survey' in body ? { survey: body.survey, maxScore: body.maxScore } : { outcome: body.outcome, criticalOnly: body.criticalOnly };
      checkRule(rule);
      const row = await c.env.DB
        .prepare(
          `INSERT INTO alert_rules (workspace_id, "key", survey, max_score, outcome, critical_only, updated_at)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
           ON CONFLICT (workspace_id, "key") DO UPDATE SET survey = excluded.survey, max_score = excluded.max_score,
             outcome = excluded.outcome, critical_only = excluded.critical_only, updated_at = excluded.updated_at
           RETURNING *`,
        )
        .bind(c.get('auth').workspaceId, key, rule.survey ?? null, rule.maxScore ?? null, rule.outcome ?? null, rule.criticalOnly ? 1 : 0, Date.now())
        .first<RuleRow>();
      return c.json(ruleOut(row!), 200);
    },
  )
  .openapi(
    readRoute({
      ...admin,
      method: 'get',
      path: '/',
      summary: 'List alert rules (a read key may list)',
      responses: { 200: json(z.object({ rules: z.array(Rule) }), 'Rules by key'), ...problems(401, 403) },
    }),
    async (c) => {
      const { results } = await c.env.DB
        .prepare('SELECT * FROM alert_rules WHERE workspace_id = ?1 ORDER BY "key"')
        .bind(c.get('auth').workspaceId)
        .all<RuleRow>();
      return c.json({ rules: results.map(ruleOut) }, 200);
    },
  )
  .openapi(
    adminRoute({
      ...admin,
      method: 'delete',
      path: '/{key}',
      summary: 'Delete an alert rule (open cases stay)',
      request: { params },
      responses: { 204: { description: 'Deleted' }, ...problems(400, 401, 403, 404) },
    }),
    async (c) => {
      const { key } = c.req.valid('param');
      const res = await c.env.DB
        .prepare('DELETE FROM alert_rules WHERE workspace_id = ?1 AND "key" = ?2')
        .bind(c.get('auth').workspaceId, key)
        .run();
      if (!res.meta.changes) throw new ApiError(404, 'not-found', `No alert rule \`${key}\` in this workspace.`);
      return c.body(null, 204);
    },
  );
