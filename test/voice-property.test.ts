// The rolled-up themes report and empathy map equal what plain JavaScript computes from the raw
// events, for random comments over a small Spanish and English vocabulary (accents, case,
// punctuation, plurals, multi-word terms, words that only contain a term).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskContacts, quoteText } from '../src/insights/mask.ts';
import { compileThemes, themesIn } from '../src/insights/theme-counts.ts';
import { matchThemes, words } from '../src/insights/matching.ts';
import { isTermCandidate } from '../src/insights/stop-words.ts';
import { npsChange } from '../src/metrics/significance.ts';
import { empathyReport } from '../src/journey/empathy.ts';
import { themesReport } from '../src/reports/themes-report.ts';
import type { EmpathyReport, KeyMentions, ThemesReport } from '../src/reports/voice-types.ts';
import { configureInventory, newWorkspace, send } from './helpers.ts';
import { d1, putThemes, rollUp, THEMES, VOICE_RANGE } from './voice.ts';

const VOCAB = ['precio', 'PRECIOS', 'Caro', 'carísimo', 'price', 'Expensive', 'aprecio', 'amable', 'Personal', 'staff', 'friendly', 'Friendlier',
  'tiempo de espera', 'tiempo', 'espera', 'envío', 'ENVIOS', 'delivery', 'mal', 'rápido', 'lento', 'gracias', 'nunca', 'muy', 'the', 'and', 'servicio',
  'service', 'slow', 'café', 'niño', 'Niños', 'llamé', 'a.b@x.co', '+34 612 345 678'];
const SEPS = [' ', ', ', '! ', ' ¿', '? ', '. ', '… ', '\n', ' (', ') '];
const STAGE: Record<string, string> = { ads: 'awareness', checkout: 'purchase', 'support-call': 'after-sales' };
const TERMS = Object.entries(THEMES).map(([key, t]) => ({ key, terms: { es: [...t.terms.es], en: [...t.terms.en] } }));

const comment = fc.oneof(
  { weight: 5, arbitrary: fc.array(fc.tuple(fc.constantFrom(...VOCAB), fc.constantFrom(...SEPS)), { minLength: 1, maxLength: 7 }).map((ws) => ws.flat().join('')) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, '', '   ', ' \n\t') },
);
const response = fc.record({
  survey: fc.constantFrom('nps', 'nps', 'csat', 'ces'),
  score: fc.integer({ min: 0, max: 10 }),
  touchpoint: fc.constantFrom('ads', 'checkout', 'support-call', 'ghost-kiosk', null),
  segment: fc.constantFrom('gold', 'silver', null),
  day: fc.constantFrom('2026-11-10', '2026-11-11', '2026-11-12'),
  comment,
});
type R = { survey: string; score: number; touchpoint: string | null; segment: string | null; day: string; comment: string | undefined; ts: number; customer: string };

const ranked = (xs: (string | null)[]): KeyMentions[] => {
  const m = new Map<string | null, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return [...m].map(([key, mentions]) => ({ key, mentions })).sort((a, b) => b.mentions - a.mentions || (a.key === null ? 1 : b.key === null ? -1 : a.key < b.key ? -1 : 1));
};
const pct = (x: number, n: number) => (n ? Math.round((10000 * x) / n) / 100 : null);
const group = (r: R) => (r.survey !== 'nps' ? '' : r.score >= 9 ? 'promoter' : r.score >= 7 ? 'passive' : 'detractor');

function expected(rs: R[]) {
  const said = rs.filter((r) => r.comment !== undefined && r.comment.replace(/[ \t\n\r]/g, '') !== '');
  const nps = rs.filter((r) => r.survey === 'nps');
  const count = (xs: R[], g: string) => xs.filter((r) => group(r) === g).length;
  const covered = new Set(TERMS.flatMap((t) => [...t.terms.es, ...t.terms.en]).flatMap(words).flatMap((w) => [w, `${w}s`, `${w}es`]));
  const themes = Object.entries(THEMES).map(([key, def]) => {
    const m = said.filter((r) => matchThemes(r.comment!, TERMS).includes(key));
    const rest = nps.filter((r) => !m.includes(r));
    const side = (xs: R[]) => ({ promoters: count(xs, 'promoter'), detractors: count(xs, 'detractor'), n: xs.length });
    const [a, b] = [side(m.filter((r) => r.survey === 'nps')), side(rest)];
    const i = npsChange(a, b);
    return {
      key, name: def.name, polarity: def.polarity, mentions: m.length, share: pct(m.length, said.length),
      nps: {
        mentioners: { score: pct(a.promoters - a.detractors, a.n), responses: a.n },
        rest: { score: pct(b.promoters - b.detractors, b.n), responses: b.n },
        change: i ? Math.round(100 * ((100 * (a.promoters - a.detractors)) / a.n - (100 * (b.promoters - b.detractors)) / b.n)) / 100 : null,
        interval: i ? [i.low, i.high] : null,
        significant: i !== null && (i.low > 0 || i.high < 0),
        lowSample: a.n < 30 || b.n < 30,
      },
      detractorShare: pct(count(m, 'detractor'), count(said, 'detractor')),
      promoterShare: pct(count(m, 'promoter'), count(said, 'promoter')),
      byTouchpoint: ranked(m.map((r) => r.touchpoint)),
      byStage: ranked(m.map((r) => (r.touchpoint && STAGE[r.touchpoint]) || null)),
      quotes: [...m].sort((x, y) => y.ts - x.ts).slice(0, 3).map((r) => ({ text: quoteText(r.comment!), survey: r.survey, score: r.score, touchpoint: r.touchpoint, day: r.day })),
    };
  });
  const df = new Map<string, number>();
  for (const r of said) for (const w of new Set(words(maskContacts(r.comment!, ' ', ' ')))) if (!covered.has(w) && isTermCandidate(w)) df.set(w, (df.get(w) ?? 0) + 1);
  const unthemed = [...df].map(([term, mentions]) => ({ term, mentions })).sort((a, b) => b.mentions - a.mentions || (a.term < b.term ? -1 : 1)).slice(0, 20);
  // Per segment × stage: comments, negative themes' mentions, positive themes' mentions among promoters.
  const cells = new Map<string, { comments: number; frustrations: Record<string, number>; motivations: Record<string, number> }>();
  for (const r of said) {
    const id = `${r.segment}/${(r.touchpoint && STAGE[r.touchpoint]) || null}`;
    const cell = cells.get(id) ?? { comments: 0, frustrations: {}, motivations: {} };
    cells.set(id, cell);
    cell.comments++;
    for (const key of matchThemes(r.comment!, TERMS)) {
      const polarity = THEMES[key as keyof typeof THEMES].polarity;
      if (polarity === 'negative') cell.frustrations[key] = (cell.frustrations[key] ?? 0) + 1;
      if (polarity === 'positive' && group(r) === 'promoter') cell.motivations[key] = (cell.motivations[key] ?? 0) + 1;
    }
  }
  return { comments: said.length, themes: themes.sort((a, b) => b.mentions - a.mentions || (a.key < b.key ? -1 : 1)), unthemed, cells };
}

describe('the rollup\'s indexed matcher', () => {
  it('finds exactly the themes matchThemes finds, for random themes and comments', () => {
    const term = fc.array(fc.constantFrom(...VOCAB.slice(0, 33)), { minLength: 1, maxLength: 2 }).map((ws) => ws.join(' '));
    const theme = fc.record({ es: fc.array(term, { maxLength: 3 }), en: fc.array(term, { maxLength: 3 }) });
    const text = fc.array(fc.tuple(fc.constantFrom(...VOCAB), fc.constantFrom(...SEPS)), { maxLength: 12 }).map((ws) => ws.flat().join(''));
    fc.assert(
      fc.property(fc.array(theme, { minLength: 1, maxLength: 5 }), text, (terms, t) => {
        const themes = terms.map((x, i) => ({ key: `t${i}`, terms: x }));
        expect([...themesIn(words(t), compileThemes(themes))].sort()).toEqual(matchThemes(t, themes).sort());
      }),
      { numRuns: 500 },
    );
  });
});

describe('voice reports against the raw events', () => {
  it('the rolled-up themes report and empathy map equal the figures computed in JavaScript', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(response, { minLength: 1, maxLength: 30 }), async (drawn) => {
        const ws = await newWorkspace('UTC');
        await configureInventory(ws);
        await putThemes(ws);
        // One customer per response (so each has its own segment), one minute apart: quotes have one newest-first order.
        const rs: R[] = drawn.map((r, i) => ({ ...r, score: r.survey === 'nps' ? r.score : r.survey === 'csat' ? 1 + (r.score % 5) : 1 + (r.score % 7), customer: `p${i}`, ts: Date.parse(`${r.day}T10:00:00Z`) + i * 60_000 }));
        const events = rs.flatMap((r, i) => [
          ...(r.segment ? [{ type: 'identify', messageId: `i${i}`, customerId: r.customer, segment: r.segment, timestamp: '2026-11-01T00:00:00Z' }] : []),
          { type: 'response', messageId: `r${i}`, customerId: r.customer, survey: r.survey, score: r.score, timestamp: new Date(r.ts).toISOString(),
            ...(r.touchpoint ? { touchpoint: r.touchpoint } : {}), ...(r.comment !== undefined ? { comment: r.comment } : {}) },
        ]);
        expect((await send(ws, { batch: events })).status).toBe(202);
        await rollUp(ws);
        const want = expected(rs);
        const got = (await themesReport(d1(), ws.id, 'UTC', VOICE_RANGE)) as ThemesReport;
        expect(got.comments).toBe(want.comments);
        expect(got.themes).toEqual(want.themes);
        expect(got.unthemed).toEqual(want.unthemed);
        const map = (await empathyReport(d1(), ws.id, 'UTC', VOICE_RANGE, { segment: null, stage: null })) as EmpathyReport;
        const mentions = (ts: { key: string; mentions: number }[]) => Object.fromEntries(ts.map((t) => [t.key, t.mentions]));
        const got2 = map.cells
          .filter((c) => c.says.comments)
          .map((c): [string, unknown] => [`${c.segment}/${c.stage}`, { comments: c.says.comments, frustrations: mentions(c.frustrations.themes), motivations: mentions(c.motivations.themes) }]);
        expect(new Map(got2)).toEqual(want.cells);
        expect(map.cells.every((c) => c.says.empty === (c.says.comments === 0) && c.says.quotes.length <= 3)).toBe(true);
      }),
      { numRuns: 15 },
    );
  });
});
