// What customers say, counted once per rolled-up day: the day's survey comments are read once,
// matched against the workspace's themes, and turned into three small sets of rows that the
// day's rollup batch writes with the rest (src/rollup/day.ts):
//   daily_themes       comments per theme × touchpoint × segment × NPS group (theme '' = every
//                      comment: the denominators of shares);
//   daily_theme_quotes the newest 3 comments per theme, and per segment × touchpoint for theme
//                      '' (the empathy map's "says"), masked and cut to QUOTE_CHARS;
//   daily_terms        the day's TERMS_PER_DAY most frequent words no theme covers.
import { containsTerm, words, type ThemeTerms } from './matching.ts';
import { maskContacts, quoteText } from './mask.ts';
import { isTermCandidate } from './stop-words.ts';

/** SQL: the event `e` carries a comment that is not blank (spaces, tabs, line breaks): one the day's voice counts. */
export const HAS_COMMENT = "trim(e.comment, ' ' || char(9, 10, 13)) <> ''";
/** Unthemed words kept per day: a word outside a day's top N is not counted for that day. */
const TERMS_PER_DAY = 50;
const QUOTES_KEPT = 3;
/** Comments read per query, so that a day of long comments never sits in memory at once. */
const COMMENT_PAGE = 2_000;

export type NpsGroup = 'promoter' | 'passive' | 'detractor' | '';
export const npsGroup = (survey: string, score: number): NpsGroup =>
  survey !== 'nps' ? '' : score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';

export type DayComment = { seq: number; ts: number; survey: string; score: number; comment: string; touchpoint: string; segment: string };
export type ThemeRow = { t: string; p: string; s: string; g: NpsGroup; n: number };
export type QuoteRow = { t: string; q: number; ts: number; s: string; p: string; v: string; sc: number; x: string };
export type TermRow = { w: string; n: number };

type Candidate = { key: string; term: string[] };

/**
 * Folds every term once and indexes it by the forms its first word matches (itself, + s, + es),
 * so that a comment's words meet only the terms that can start at them: a day of comments costs
 * comments × words lookups, not comments × every term of up to 100 themes. `covered`: the words
 * (with their plural forms) some theme names, which are never unthemed terms.
 */
export function compileThemes(themes: readonly ThemeTerms[]) {
  const byFirst = new Map<string, Candidate[]>();
  const covered = new Set<string>();
  for (const t of themes) {
    for (const term of [...t.terms.es, ...t.terms.en].map(words).filter((w) => w.length)) {
      for (const form of [term[0], `${term[0]}s`, `${term[0]}es`]) {
        if (!byFirst.has(form)) byFirst.set(form, []);
        byFirst.get(form)!.push({ key: t.key, term });
      }
      for (const w of term) for (const form of [w, `${w}s`, `${w}es`]) covered.add(form);
    }
  }
  return { byFirst, covered };
}

/** Keys of the themes with a term in these words: the same answer as matchThemes (matching.ts). */
export function themesIn(textWords: readonly string[], compiled: ReturnType<typeof compileThemes>): Set<string> {
  const found = new Set<string>();
  textWords.forEach((w, i) => {
    for (const c of compiled.byFirst.get(w) ?? []) {
      if (!found.has(c.key) && containsTerm(textWords.slice(i, i + c.term.length), c.term)) found.add(c.key);
    }
  });
  return found;
}

const newestFirst = (a: QuoteRow, b: QuoteRow) => b.ts - a.ts || b.q - a.q;

/** Accumulates one day's comments (in any order, any number of pages) into its rows. Pure. */
class DayVoice {
  private readonly themes: ReturnType<typeof compileThemes>;
  private readonly counts = new Map<string, ThemeRow>();
  private readonly quotes = new Map<string, QuoteRow[]>();
  private readonly terms = new Map<string, number>();

  constructor(themes: readonly ThemeTerms[]) {
    this.themes = compileThemes(themes);
  }

  add(c: DayComment): void {
    const textWords = words(c.comment);
    const g = npsGroup(c.survey, c.score);
    const matched = themesIn(textWords, this.themes);
    const quote = (t: string): QuoteRow => ({ t, q: c.seq, ts: c.ts, s: c.segment, p: c.touchpoint, v: c.survey, sc: c.score, x: '' });
    for (const t of ['', ...matched]) {
      const id = `${t}\u0000${c.touchpoint}\u0000${c.segment}\u0000${g}`;
      const row = this.counts.get(id);
      if (row) row.n++;
      else this.counts.set(id, { t, p: c.touchpoint, s: c.segment, g, n: 1 });
      this.keepQuote(t === '' ? `\u0000${c.segment}\u0000${c.touchpoint}` : t, quote(t), c.comment);
    }
    // Unthemed terms come from the text without its emails and phones: "gmail" or "x.co" are no topic.
    for (const w of new Set(words(maskContacts(c.comment, ' ', ' ')))) {
      if (!this.themes.covered.has(w) && isTermCandidate(w)) this.terms.set(w, (this.terms.get(w) ?? 0) + 1);
    }
  }

  private keepQuote(group: string, row: QuoteRow, comment: string): void {
    const kept = this.quotes.get(group) ?? [];
    if (kept.length >= QUOTES_KEPT && newestFirst(row, kept[kept.length - 1]) > 0) return;
    // Masked only once kept: most comments of a busy day never become quotes.
    kept.push({ ...row, x: quoteText(comment) });
    kept.sort(newestFirst);
    this.quotes.set(group, kept.slice(0, QUOTES_KEPT));
  }

  rows(): { themes: ThemeRow[]; quotes: QuoteRow[]; terms: TermRow[] } {
    const terms = [...this.terms]
      .map(([w, n]) => ({ w, n }))
      .sort((a, b) => b.n - a.n || (a.w < b.w ? -1 : a.w > b.w ? 1 : 0))
      .slice(0, TERMS_PER_DAY);
    return { themes: [...this.counts.values()], quotes: [...this.quotes.values()].flat(), terms };
  }
}

// The day's comments in seq order from `after` on, through the day's response rows of
// event_days (a batch whose last seq is not above `after` holds none of the page). A comment of spaces, tabs and
// line breaks only is no comment. The segment is the one the day's other rows count the customer
// under (rolled_segment, as in day.ts); a segment change marks the customer's comment days `full`.
export const DAY_COMMENTS = `
SELECT e.seq, e.ts, e.survey, e.score, e.comment, coalesce(e.touchpoint, '') AS touchpoint, coalesce(c.rolled_segment, '') AS segment
FROM events_by_day e LEFT JOIN customers c ON c.workspace_id = e.workspace_id AND c.customer_id = e.customer_id
WHERE e.workspace_id = ?1 AND e.day = ?2 AND e.type = 'response' AND e.batch_last > ?3 AND e.seq > ?3 AND ${HAS_COMMENT}
ORDER BY e.seq LIMIT ?4`;

/** Reads the day's comments page by page and counts them against the workspace's themes. */
export async function countDayVoice(d1: D1Database, ws: string, day: string, page = COMMENT_PAGE) {
  const { results: themes } = await d1.prepare('SELECT "key", terms FROM themes WHERE workspace_id = ?1').bind(ws).all<{ key: string; terms: string }>();
  const voice = new DayVoice(themes.map((t) => ({ key: t.key, terms: JSON.parse(t.terms) })));
  for (let after = -1; ; ) {
    const { results } = await d1.prepare(DAY_COMMENTS).bind(ws, day, after, page).all<DayComment>();
    for (const c of results) voice.add(c);
    if (results.length < page) break;
    after = results[results.length - 1].seq;
  }
  return voice.rows();
}
