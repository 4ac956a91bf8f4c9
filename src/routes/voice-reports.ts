// GET /v1/reports/themes and GET /v1/reports/empathy: what customers say, and the empathy map.
// The answers' schemas (and so their types) are src/reports/voice-types.ts.
import { z } from '@hono/zod-openapi';
import { createRouter } from '../platform/router.ts';
import { sha256Hex } from '../platform/crypto.ts';
import { readRoute } from '../workspace/keyed-route.ts';
import { themesReport } from '../reports/themes-report.ts';
import { empathyReport } from '../journey/empathy.ts';
import { answer, RangeQuery, reportResponse, resolveRange } from './reports.ts';
import { EmpathyReport, ThemesReport } from '../reports/voice-types.ts';

const read = { tags: ['Reports'] };
const Filter = z.string().min(1).max(100);

export const voiceReportsRoutes = createRouter()
  .openapi(
    readRoute({
      ...read,
      method: 'get',
      path: '/themes',
      summary: "What customers say: the workspace's themes in survey comments, with NPS of mentioners against the rest, and frequent unthemed words",
      request: { query: RangeQuery.strict() },
      responses: reportResponse(ThemesReport, 'Themes'),
    }),
    async (c) => {
      const { workspaceId, timezone } = c.get('auth');
      const range = resolveRange(c.req.valid('query'), timezone);
      return answer(c, 'themes', range, () => themesReport(c.env.DB, workspaceId, timezone, range)) as never;
    },
  )
  .openapi(
    readRoute({
      ...read,
      method: 'get',
      path: '/empathy',
      summary: 'The empathy map per segment × stage: says, does, feels, frustrations, motivations',
      request: {
        query: RangeQuery.extend({
          segment: Filter.optional().openapi({ description: "Only this segment (the customer's current one)" }),
          stage: Filter.optional().openapi({ description: "Only this stage (the touchpoint's, in the current inventory)" }),
        }).strict(),
      },
      responses: reportResponse(EmpathyReport, 'Empathy map'),
    }),
    async (c) => {
      const { workspaceId, timezone } = c.get('auth');
      const q = c.req.valid('query');
      const range = resolveRange(q, timezone);
      const filters = { segment: q.segment ?? null, stage: q.stage ?? null };
      // Filters are hashed into the cache key: KV keys hold at most 512 bytes.
      const name = filters.segment === null && filters.stage === null ? 'empathy' : `empathy-filtered-${(await sha256Hex(JSON.stringify(filters))).slice(0, 32)}`;
      return answer(c, name, range, () => empathyReport(c.env.DB, workspaceId, timezone, range, filters)) as never;
    },
  );
