import { z } from '@hono/zod-openapi';
import { ApiError } from '../platform/problem.ts';
import { createRouter } from '../platform/router.ts';
import { jsonBody } from '../platform/json-body.ts';
import { json, jsonRequest, problems, KeyParams } from '../platform/openapi.ts';
import { adminRoute, readRoute } from '../workspace/keyed-route.ts';
import { checkRule } from '../loop/cases.ts';
import { deleteRule, listRules, putRule } from '../loop/alert-rules.ts';
import { SURVEYS } from '../metrics/definitions.ts';

const sla = {
  slaHours: z.number().int().min(1).max(24 * 90).optional().openapi({ description: 'Hours before an open case is overdue and escalated' }),
  escalateTo: z.string().trim().min(1).max(200).optional().openapi({ description: 'Who an overdue case goes to (default: the workspace defaultOwner)' }),
};
const RuleInput = z
  .union([
    z.object({ survey: z.enum(SURVEYS), maxScore: z.number().int(), ...sla }).strict(),
    z.object({ outcome: z.enum(['failure', 'abandoned']), criticalOnly: z.boolean().default(false), ...sla }).strict(),
  ])
  .openapi('AlertRuleInput', { description: 'A response at or below maxScore, or an interaction with that outcome' });
const Rule = z
  .object({
    key: z.string(),
    survey: z.string().nullable(),
    maxScore: z.number().int().nullable(),
    outcome: z.string().nullable(),
    criticalOnly: z.boolean(),
    slaHours: z.number().int().nullable(),
    escalateTo: z.string().nullable(),
  })
  .openapi('AlertRule');
const admin = { tags: ['Closed loop'] };

export const alertRulesRoutes = createRouter()
  .openapi(
    adminRoute({
      ...admin,
      method: 'put',
      path: '/{key}',
      summary: 'Create or replace an alert rule: which events open a follow-up case',
      middleware: [jsonBody],
      request: { params: KeyParams, body: jsonRequest(RuleInput) },
      responses: { 200: json(Rule, 'The rule as stored'), ...problems(400, 413, 415) },
    }),
    async (c) => {
      const { key } = c.req.valid('param');
      const body = c.req.valid('json');
      const base = 'survey' in body ? { survey: body.survey, maxScore: body.maxScore } : { outcome: body.outcome, criticalOnly: body.criticalOnly };
      checkRule(base);
      const rule = { ...base, slaHours: body.slaHours, escalateTo: body.escalateTo };
      return c.json(await putRule(c.env.DB, c.get('auth').workspaceId, key, rule, Date.now()), 200);
    },
  )
  .openapi(
    readRoute({
      ...admin,
      method: 'get',
      path: '/',
      summary: 'List alert rules (a read key may list)',
      responses: { 200: json(z.object({ rules: z.array(Rule) }), 'Rules by key') },
    }),
    async (c) => {
      return c.json({ rules: await listRules(c.env.DB, c.get('auth').workspaceId) }, 200);
    },
  )
  .openapi(
    adminRoute({
      ...admin,
      method: 'delete',
      path: '/{key}',
      summary: 'Delete an alert rule (open cases stay)',
      request: { params: KeyParams },
      responses: { 204: { description: 'Deleted' }, ...problems(400, 404) },
    }),
    async (c) => {
      const { key } = c.req.valid('param');
      if (!(await deleteRule(c.env.DB, c.get('auth').workspaceId, key))) throw new ApiError(404, 'not-found', `No alert rule \`${key}\` in this workspace.`);
      return c.body(null, 204);
    },
  );
