// GET /v1/reports/themes: what customers say over a range of days, summed from the rows the
// rollup wrote per day (daily_themes, daily_theme_quotes, daily_terms; see
// src/insights/theme-counts.ts). No comment is read here.
import { percent, round2 } from '../metrics/definitions.ts';
import { LOW_SAMPLE } from '../metrics/changes.ts';
import { npsChange } from '../metrics/significance.ts';
import { PeriodFacts } from './period-facts.ts';
import { reportEnvelope, type Range } from './reports.ts';
import type { KeyMentions, NpsFigure, Polarity, Quote, Survey, ThemeFigures, ThemeNps, ThemesReport } from './voice-types.ts';

/** Unthemed terms a report lists. */
export const UNTHEMED_LISTED = 20;
export const QUOTES_LISTED = 3;

export type ThemeDef = { key: string; name: string; polarity: Polarity };
export type CountRow = { theme: string; touchpoint: string; segment: string; g: string; n: number };
export type QuoteRow = { theme: string; day: string; survey: Survey; score: number; touchpoint: string; text: string };
type Npsish = { promoters: number; passives: number; detractors: number };
/** A report as computed, before the cache adds whether its days are all rolled up. */
export type Computed<R> = Omit<R, 'complete' | 'pendingDays' | 'daysBeforeHistory'>;

export const SQL = {
  themes: 'SELECT "key", name, polarity FROM themes WHERE workspace_id = ?1 ORDER BY "key"',
  counts: `SELECT theme, touchpoint, segment, nps_group AS g, SUM(mentions) AS n FROM daily_themes
    WHERE workspace_id = ?1 AND day BETWEEN ?2 AND ?3 GROUP BY theme, touchpoint, segment, nps_group`,
  // The newest QUOTES_LISTED of each theme over the range (each day keeps its newest 3).
  quotes: `SELECT theme, day, survey, score, touchpoint, text FROM (
      SELECT q.*, ROW_NUMBER() OVER (PARTITION BY theme ORDER BY ts DESC, seq DESC) AS rn FROM daily_theme_quotes q
      WHERE workspace_id = ?1 AND day BETWEEN ?2 AND ?3 AND theme <> '')
    WHERE rn <= ${QUOTES_LISTED} ORDER BY theme, rn`,
  terms: `SELECT term, SUM(mentions) AS mentions FROM daily_terms WHERE workspace_id = ?1 AND day BETWEEN ?2 AND ?3
    GROUP BY term ORDER BY mentions DESC, term LIMIT ${UNTHEMED_LISTED}`,
  nps: `SELECT coalesce(SUM(nps_promoters), 0) AS promoters, coalesce(SUM(nps_passives), 0) AS passives, coalesce(SUM(nps_detractors), 0) AS detractors
    FROM daily_metrics WHERE workspace_id = ?1 AND day BETWEEN ?2 AND ?3 AND dim = 'all' AND "key" = ''`,
};


export const toQuote = (q: QuoteRow): Quote => ({ text: q.text, survey: q.survey, score: q.score, touchpoint: q.touchpoint || null, day: q.day });

/** Keyed sums, most first (then by key, "none" last). */
export function ranked(entries: Iterable<[string, number]>): KeyMentions[] {
  const sums = new Map<string, number>();
  for (const [k, n] of entries) sums.set(k, (sums.get(k) ?? 0) + n);
  return [...sums]
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => y - x || (a === '' ? 1 : b === '' ? -1 : a < b ? -1 : 1))
    .map(([k, n]) => ({ key: k || null, mentions: n }));
}

const groupCounts = (rows: CountRow[]): Npsish => ({
  promoters: rows.filter((r) => r.g === 'promoter').reduce((s, r) => s + r.n, 0),
  passives: rows.filter((r) => r.g === 'passive').reduce((s, r) => s + r.n, 0),
  detractors: rows.filter((r) => r.g === 'detractor').reduce((s, r) => s + r.n, 0),
});
const npsOf = (g: Npsish): NpsFigure => {
  const n = g.promoters + g.passives + g.detractors;
  return { score: percent(g.promoters - g.detractors, n), responses: n };
};

/** NPS of the theme's mentioners against every other NPS respondent of the range. */
export function themeNps(mentioners: Npsish, all: Npsish): ThemeNps {
  const rest = { promoters: all.promoters - mentioners.promoters, passives: all.passives - mentioners.passives, detractors: all.detractors - mentioners.detractors };
  const [m, r] = [npsOf(mentioners), npsOf(rest)];
  const interval = npsChange({ ...mentioners, n: m.responses }, { ...rest, n: r.responses });
  const exact = (g: Npsish, n: number) => (100 * (g.promoters - g.detractors)) / n;
  return {
    mentioners: m,
    rest: r,
    change: interval ? round2(exact(mentioners, m.responses) - exact(rest, r.responses)) : null,
    interval: interval ? [interval.low, interval.high] : null,
    significant: interval !== null && (interval.low > 0 || interval.high < 0),
    lowSample: m.responses < LOW_SAMPLE || r.responses < LOW_SAMPLE,
  };
}

/** The figures of one theme from its rows (and those of theme '', every comment). */
export function themeFigures(def: ThemeDef, rows: CountRow[], comments: Npsish & { all: number }, npsAll: Npsish, quotes: QuoteRow[], stageOf: Map<string, string>): ThemeFigures {
  const mentions = rows.reduce((s, r) => s + r.n, 0);
  const g = groupCounts(rows);
  return {
    key: def.key,
    name: def.name,
    polarity: def.polarity,
    mentions,
    share: percent(mentions, comments.all),
    nps: themeNps(g, npsAll),
    detractorShare: percent(g.detractors, comments.detractors),
    promoterShare: percent(g.promoters, comments.promoters),
    byTouchpoint: ranked(rows.map((r) => [r.touchpoint, r.n])),
    byStage: ranked(rows.map((r) => [stageOf.get(r.touchpoint) ?? '', r.n])),
    quotes: quotes.map(toQuote),
  };
}

export async function themesReport(d1: D1Database, ws: string, tz: string, range: Range, facts = new PeriodFacts(d1)): Promise<Computed<ThemesReport>> {
  const bind = <T>(sql: string) => d1.prepare(sql).bind(ws, range.from, range.to).all<T>();
  const [defs, counts, quotes, terms, nps, inventory] = await Promise.all([
    d1.prepare(SQL.themes).bind(ws).all<ThemeDef>(),
    bind<CountRow>(SQL.counts),
    bind<QuoteRow>(SQL.quotes),
    bind<{ term: string; mentions: number }>(SQL.terms),
    d1.prepare(SQL.nps).bind(ws, range.from, range.to).first<Npsish>(),
    facts.inventory(ws),
  ]);
  // The current inventory's stage of each configured touchpoint.
  const stageOf = new Map(inventory.touchpoints.map((t) => [t.key, t.stage]));
  const byTheme = new Map<string, CountRow[]>();
  for (const r of counts.results) {
    if (!byTheme.has(r.theme)) byTheme.set(r.theme, []);
    byTheme.get(r.theme)!.push(r);
  }
  const every = byTheme.get('') ?? [];
  const comments = { ...groupCounts(every), all: every.reduce((s, r) => s + r.n, 0) };
  const npsAll = nps ?? { promoters: 0, passives: 0, detractors: 0 };
  const themes = defs.results
    .map((def) => themeFigures(def, byTheme.get(def.key) ?? [], comments, npsAll, quotes.results.filter((q) => q.theme === def.key), stageOf))
    .sort((a, b) => b.mentions - a.mentions || (a.key < b.key ? -1 : 1));
  return {
    ...reportEnvelope(range, tz),
    comments: comments.all,
    commentsByNpsGroup: { promoters: comments.promoters, passives: comments.passives, detractors: comments.detractors },
    themes,
    unthemed: terms.results.map((t) => ({ term: t.term, mentions: t.mentions })),
  };
}
