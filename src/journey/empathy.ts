// GET /v1/reports/empathy: the seeds' empathy map per segment × stage, from rollup rows only.
// says: themes and quotes of the cell's survey comments (daily_themes, daily_theme_quotes);
// does: interactions and outcomes, responses per survey; feels: emotions and sentiment (the
// journey's daily_metrics dims seg_tp and seg_tp_emo); frustrations: negative themes, failure
// and abandonment rates; motivations: positive themes mentioned by promoters. A touchpoint's
// stage is the current inventory's, so a cell follows the journey map as configured now.
import { percent, round2, zeroAdditive, type Additive } from '../metrics/definitions.ts';
import { ADDITIVE_SUMS, reportEnvelope, type Range } from '../reports/reports.ts';
import { QUOTES_LISTED, SQL as THEME_SQL, toQuote, type Computed, type CountRow, type QuoteRow, type ThemeDef } from '../reports/themes-report.ts';
import type { EmpathyCell, EmpathyReport, EmpathyTheme } from '../reports/voice-types.ts';
import { PeriodFacts } from '../reports/period-facts.ts';

export const EMOTIONS_LISTED = 5;

// The newest quotes of every comment (theme '') per segment × current stage of the touchpoint.
export const CELL_QUOTES = `SELECT segment, stage, day, survey, score, touchpoint, text FROM (
    SELECT q.*, coalesce(tp.stage, '') AS stage,
      ROW_NUMBER() OVER (PARTITION BY q.segment, coalesce(tp.stage, '') ORDER BY q.ts DESC, q.seq DESC) AS rn
    FROM daily_theme_quotes q LEFT JOIN touchpoints tp ON tp.workspace_id = q.workspace_id AND tp.key = q.touchpoint
    WHERE q.workspace_id = ?1 AND q.day BETWEEN ?2 AND ?3 AND q.theme = '' AND (?4 IS NULL OR q.segment = ?4))
  WHERE rn <= ${QUOTES_LISTED} ORDER BY segment, stage, rn`;

// Keys of dims seg_tp and seg_tp_emo are JSON arrays [segment, touchpoint(, emotion)].
export const CELL_SUMS = `SELECT "key" AS k, ${ADDITIVE_SUMS} FROM daily_metrics
  WHERE workspace_id = ?1 AND dim = ?5 AND day BETWEEN ?2 AND ?3 AND (?4 IS NULL OR json_extract("key", '$[0]') = ?4) GROUP BY "key"`;

export const CELL_COUNTS = `SELECT theme, touchpoint, segment, nps_group AS g, SUM(mentions) AS n FROM daily_themes
  WHERE workspace_id = ?1 AND day BETWEEN ?2 AND ?3 AND (?4 IS NULL OR segment = ?4) GROUP BY theme, touchpoint, segment, nps_group`;

type Filters = { segment: string | null; stage: string | null };
type Acc = { sums: Additive; emotions: Map<string, number>; themes: Map<string, number>; promoterThemes: Map<string, number>; comments: number; promoterComments: number };

const cellId = (segment: string, stage: string) => JSON.stringify([segment, stage]);
const rankedThemes = (counts: Map<string, number>, defs: Map<string, ThemeDef>, keep: (d: ThemeDef) => boolean): EmpathyTheme[] =>
  [...counts]
    .flatMap(([key, mentions]) => {
      const d = defs.get(key);
      return d && mentions > 0 && keep(d) ? [{ key, name: d.name, polarity: d.polarity, mentions }] : [];
    })
    .sort((a, b) => b.mentions - a.mentions || (a.key < b.key ? -1 : 1));
const quadrant = <T extends object>(body: T, empty: boolean, note: string) => (empty ? { ...body, empty, note } : { ...body, empty });

function describe(segment: string, stage: string, stageName: string | null, a: Acc, defs: Map<string, ThemeDef>, quotes: QuoteRow[]): EmpathyCell {
  const s = a.sums;
  const responses = { nps: s.npsPromoters + s.npsPassives + s.npsDetractors, csat: s.csatResponses, ces: s.cesResponses };
  const emotions = [...a.emotions]
    .map(([emotion, count]) => ({ emotion, count }))
    .filter((e) => e.count > 0)
    .sort((x, y) => y.count - x.count || (x.emotion < y.emotion ? -1 : 1))
    .slice(0, EMOTIONS_LISTED);
  const negative = rankedThemes(a.themes, defs, (d) => d.polarity === 'negative');
  const positive = rankedThemes(a.promoterThemes, defs, (d) => d.polarity === 'positive');
  return {
    segment: segment || null,
    stage: stage || null,
    stageName,
    says: quadrant({ comments: a.comments, themes: rankedThemes(a.themes, defs, () => true), quotes: quotes.map(toQuote) }, a.comments === 0, 'No survey comment in this cell over the period.'),
    does: quadrant(
      { interactions: { count: s.intCount, success: s.intSuccess, failure: s.intFailure, abandoned: s.intAbandoned }, responses },
      s.intCount === 0 && responses.nps + responses.csat + responses.ces === 0,
      'No interaction or survey response in this cell over the period.',
    ),
    feels: quadrant(
      { emotions, meanSentiment: s.sentCount ? round2(s.sentSum / s.sentCount) : null },
      emotions.length === 0 && s.sentCount === 0,
      'No interaction here carried an emotion or a sentiment.',
    ),
    frustrations: quadrant(
      { themes: negative, failureRate: percent(s.intFailure, s.intCount), abandonmentRate: percent(s.intAbandoned, s.intCount) },
      negative.length === 0 && s.intFailure + s.intAbandoned === 0,
      'No negative theme mentioned and no failed or abandoned interaction.',
    ),
    motivations: quadrant(
      { themes: positive, promoterComments: a.promoterComments },
      positive.length === 0,
      a.promoterComments ? 'No promoter comment here mentions a positive theme.' : 'No promoter left a comment in this cell.',
    ),
  };
}

export async function empathyReport(d1: D1Database, ws: string, tz: string, range: Range, filters: Filters, facts = new PeriodFacts(d1)): Promise<Computed<EmpathyReport>> {
  const seg = filters.segment;
  const bind = <T>(sql: string, ...more: unknown[]) => d1.prepare(sql).bind(ws, range.from, range.to, seg, ...more).all<T>();
  const [inventory, defs, cells, emos, counts, quotes] = await Promise.all([
    facts.inventory(ws),
    d1.prepare(THEME_SQL.themes).bind(ws).all<ThemeDef>(),
    bind<Additive & { k: string }>(CELL_SUMS, 'seg_tp'),
    bind<Additive & { k: string }>(CELL_SUMS, 'seg_tp_emo'),
    bind<CountRow>(CELL_COUNTS),
    bind<QuoteRow & { segment: string; stage: string }>(CELL_QUOTES),
  ]);
  const stageOf = new Map(inventory.touchpoints.map((t) => [t.key, t.stage]));
  const accs = new Map<string, Acc>();
  const acc = (segment: string, touchpoint: string) => {
    const id = cellId(segment, stageOf.get(touchpoint) ?? '');
    if (!accs.has(id)) accs.set(id, { sums: zeroAdditive(), emotions: new Map(), themes: new Map(), promoterThemes: new Map(), comments: 0, promoterComments: 0 });
    return accs.get(id)!;
  };
  for (const r of cells.results) {
    const [segment, touchpoint] = JSON.parse(r.k) as [string, string];
    const a = acc(segment, touchpoint);
    for (const f of Object.keys(a.sums) as (keyof Additive)[]) a.sums[f] += r[f] ?? 0;
  }
  for (const r of emos.results) {
    const [segment, touchpoint, emotion] = JSON.parse(r.k) as [string, string, string];
    const e = acc(segment, touchpoint).emotions;
    e.set(emotion, (e.get(emotion) ?? 0) + r.intCount);
  }
  for (const r of counts.results) {
    const a = acc(r.segment, r.touchpoint);
    if (r.theme === '') {
      a.comments += r.n;
      if (r.g === 'promoter') a.promoterComments += r.n;
    } else {
      a.themes.set(r.theme, (a.themes.get(r.theme) ?? 0) + r.n);
      if (r.g === 'promoter') a.promoterThemes.set(r.theme, (a.promoterThemes.get(r.theme) ?? 0) + r.n);
    }
  }
  const defsByKey = new Map(defs.results.map((d) => [d.key, d]));
  const stages = new Map(inventory.stages.map((s) => [s.key, s]));
  const order = (stage: string) => stages.get(stage)?.position ?? Number.MAX_SAFE_INTEGER;
  const out = [...accs]
    .map(([id, a]) => [JSON.parse(id) as [string, string], a] as const)
    .filter(([[, stage], a]) => (filters.stage === null || stage === filters.stage) && a.sums.intCount + a.sums.npsPromoters + a.sums.npsPassives + a.sums.npsDetractors + a.sums.csatResponses + a.sums.cesResponses > 0)
    .sort(([[sa, ta]], [[sb, tb]]) => order(ta) - order(tb) || (ta < tb ? -1 : ta > tb ? 1 : 0) || (sa === '' ? 1 : sb === '' ? -1 : sa < sb ? -1 : sa > sb ? 1 : 0))
    .map(([[segment, stage], a]) =>
      describe(segment, stage, stages.get(stage)?.name ?? null, a, defsByKey, quotes.results.filter((q) => q.segment === segment && q.stage === stage)),
    );
  return { ...reportEnvelope(range, tz), segment: seg, stage: filters.stage, cells: out };
}
