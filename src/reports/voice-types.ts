// The JSON answers of GET /v1/reports/themes and GET /v1/reports/empathy, exactly as served: one
// zod schema each (it documents /openapi.json) and the TypeScript type inferred from it, which
// the dashboard builds its panels against (change them only by adding fields).
// Rates are percentages (0–100, NPS −100…100) rounded to 2 decimals, null when their
// denominator is 0; counts are exact. A `key` or `touchpoint` of null means "none".
// Themes: every theme of the workspace, most mentions first (then key); byTouchpoint/byStage most
// mentions first. Empathy: cells that saw any interaction or response in the range, stages in
// inventory order (null last), then segment; `empty` is true when a quadrant has no data, and
// then `note` says so in a sentence; feels lists at most 5 emotions.
import { z } from '@hono/zod-openapi';
import { Envelope } from '../platform/openapi.ts';
import { SURVEYS } from '../metrics/definitions.ts';

export const Polarity = z.enum(['negative', 'positive', 'neutral']);
const Rate = z.number().nullable();
export const Quote = z
  .object({
    text: z.string().openapi({ description: 'The comment, emails and phone numbers masked ([email], [phone]), at most 280 characters' }),
    survey: z.enum(SURVEYS),
    score: z.number().int(),
    touchpoint: z.string().nullable(),
    day: z.string(),
  })
  .openapi('Quote');
export const KeyMentions = z.object({ key: z.string().nullable(), mentions: z.number().int() });
export const NpsFigure = z.object({ score: Rate, responses: z.number().int() });
export const ThemeFigures = z
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
export const ThemesReport = z
  .object({
    ...Envelope,
    comments: z.number().int().openapi({ description: 'Survey responses with a comment in the range' }),
    commentsByNpsGroup: z.object({ promoters: z.number().int(), passives: z.number().int(), detractors: z.number().int() }),
    themes: z.array(ThemeFigures),
    unthemed: z.array(z.object({ term: z.string(), mentions: z.number().int() })).openapi({ description: 'Top 20 words no theme covers, stop words removed; each day keeps its top 50' }),
  })
  .openapi('ThemesReport');

const Quadrant = { empty: z.boolean(), note: z.string().optional().openapi({ description: 'Why the quadrant is empty' }) };
export const EmpathyTheme = z.object({ key: z.string(), name: z.string(), polarity: Polarity, mentions: z.number().int() });
export const EmpathyCell = z
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
export const EmpathyReport = z
  .object({ ...Envelope, segment: z.string().nullable(), stage: z.string().nullable(), cells: z.array(EmpathyCell) })
  .openapi('EmpathyReport');

/** Only present when days of the range before the history floor hold events. */
type BeforeHistory = { daysBeforeHistory?: number };

export type Polarity = z.infer<typeof Polarity>;
export type Survey = z.infer<typeof Quote>['survey'];
export type Quote = z.infer<typeof Quote>;
export type KeyMentions = z.infer<typeof KeyMentions>;
export type NpsFigure = z.infer<typeof NpsFigure>;
export type ThemeFigures = z.infer<typeof ThemeFigures>;
export type ThemeNps = ThemeFigures['nps'];
export type ThemesReport = z.infer<typeof ThemesReport> & BeforeHistory;
export type EmpathyTheme = z.infer<typeof EmpathyTheme>;
export type EmpathyCell = z.infer<typeof EmpathyCell>;
export type EmpathyReport = z.infer<typeof EmpathyReport> & BeforeHistory;
