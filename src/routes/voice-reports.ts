// GET /v1/reports/themes and GET /v1/reports/empathy: what customers say, and the empathy map.
// The answers' shapes are src/reports/voice-types.ts; the schemas below document them.
import { z } from '@hono/zod-openapi';
import { createRouter } from '../platform/router.ts';
import { sha256Hex } from '../platform/crypto.ts';
import { readRoute } from '../workspace/keyed-route.ts';
import { themesReport } from '../reports/themes-report.ts';
import { empathyReport } from '../journey/empathy.ts';
import { answer, Envelope, RangeQuery, reportResponse, resolveRange } from './reports.ts';

const Polarity = z.enum(['negative', 'positive', 'neutral']);
const Rate = z.number().nullable();
const Quote = z
  .object({
    text: z.string().openapi({ description: 'The comment, emails and phone numbers masked ([email], [phone]), at most 280 characters' }),
    survey: z.enum(['nps', 'csat', 'ces']),
    score: z.number().int(),
    touchpoint: z.string().nullable(),
    day: z.string(),
  })
  .openapi('Quote');
const KeyMentions = z.object({ key: z.string().nullable(), mentions: z.number().int() });
const NpsFigure = z.object({ score: Rate, responses: z.number().int() });
const ThemeFigures = z
  .object({
    key: z.string(),
    name: z.string(),
    polarity: Polarity,
    mentions: z.number().int().openapi({ description: 'Comments mentioning the theme (once per comment)' }),
    share: Rate.openapi({ description: '% of the comments' }),
    nps: z.object({
      mentioners: NpsFigure,
      rest: NpsFigure.openapi({ description: 'Every other NPS response of the range' }),
      change: Rate.openapi({ description: 'mentioners − rest, in points' }),
      interval: z.tuple([z.number(), z.number()]).nullable().openapi({ description: '95% interval of the change' }),
      significant: z.boolean(),
      lowSample: z.boolean().openapi({ description: 'Either side has fewer than 30 responses' }),
    }),
    detractorShare: Rate.openapi({ description: '% of detractors who left a comment whose comment mentions it' }),
    promoterShare: Rate.openapi({ description: '% of promoters who left a comment whose comment mentions it' }),
    byTouchpoint: z.array(KeyMentions),
    byStage: z.array(KeyMentions).openapi({ description: "Through the touchpoint's stage in the current inventory" }),
    quotes: z.array(Quote).openapi({ description: 'At most 3, newest first' }),
  })
  .openapi('ThemeFigures');
const ThemesReport = z
  .object({
    ...Envelope,
    comments: z.number().int().openapi({ description: 'Survey responses with a comment in the range' }),
    commentsByNpsGroup: z.object({ promoters: z.number().int(), passives: z.number().int(), detractors: z.number().int() }),
    themes: z.array(ThemeFigures),
    unthemed: z.array(z.object({ term: z.string(), mentions: z.number().int() })).openapi({ description: 'Top 20 words no theme covers, stop words removed; each day keeps its top 50' }),
  })
  .openapi('ThemesReport');

const Quadrant = { empty: z.boolean(), note: z.string().optional().openapi({ description: 'Why the quadrant is empty' }) };
const EmpathyTheme = z.object({ key: z.string(), name: z.string(), polarity: Polarity, mentions: z.number().int() });
const EmpathyCell = z
  .object({
    segment: z.string().nullable(),
    stage: z.string().nullable(),
    stageName: z.string().nullable(),
    says: z.object({ ...Quadrant, comments: z.number().int(), themes: z.array(EmpathyTheme), quotes: z.array(Quote) }),
    does: z.object({
      ...Quadrant,
      interactions: z.object({ count: z.number().int(), success: z.number().int(), failure: z.number().int(), abandoned: z.number().int() }),
      responses: z.object({ nps: z.number().int(), csat: z.number().int(), ces: z.number().int() }),
    }),
    feels: z.object({ ...Quadrant, emotions: z.array(z.object({ emotion: z.string(), count: z.number().int() })), meanSentiment: Rate }),
    frustrations: z.object({ ...Quadrant, themes: z.array(EmpathyTheme), failureRate: Rate, abandonmentRate: Rate }),
    motivations: z.object({ ...Quadrant, themes: z.array(EmpathyTheme).openapi({ description: 'Positive themes, mentions among promoters' }), promoterComments: z.number().int() }),
  })
  .openapi('EmpathyCell');
const EmpathyReport = z
  .object({ ...Envelope, segment: z.string().nullable(), stage: z.string().nullable(), cells: z.array(EmpathyCell) })
  .openapi('EmpathyReport');

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
