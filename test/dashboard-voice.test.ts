// The dashboard's themes panel and the empathy-map page, rendered from a rolled-up workspace.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, localDay } from '../src/platform/time.ts';
import { api, configureInventory, ev, newWorkspace, send, type TestWorkspace } from './helpers.ts';
import { rollupRange } from './drain.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const Y = addDays(localDay(Date.now(), 'UTC'), -1);
const EVIL = '<script>alert(1)</script>';

async function signedIn(ws: TestWorkspace) {
  const res = await api('/dashboard/session', { method: 'POST', raw: new URLSearchParams({ key: ws.keys.read }).toString(), headers: FORM });
  return res.headers.get('set-cookie')!.split(';')[0];
}
const get = async (session: string, path: string) => {
  const res = await api(path, { headers: session ? { cookie: session } : {} });
  return { res, html: await res.text() };
};
/** One element, from its opening tag to the matching close of the same kind (no nesting of that tag inside). */
const part = (html: string, open: string, tag: string) => {
  const at = html.indexOf(open);
  expect(at, open).toBeGreaterThanOrEqual(0);
  return html.slice(at, html.indexOf(`</${tag}>`, at) + tag.length + 3);
};
const quadrant = (html: string, q: string) => part(html, `<section class="quadrant ${q}"`, 'section');

/**
 * Gold customers promote the store's friendly staff; basic customers wait on the phone and say
 * so (one with an email address and markup in the comment); nobody mentions the price.
 */
async function withVoice() {
  const ws = await newWorkspace('UTC');
  await configureInventory(ws);
  const themes = {
    waiting: { name: 'Esperas · Waiting', polarity: 'negative', terms: { es: ['espera'], en: ['wait'] } },
    staff: { name: 'Trato · Staff', polarity: 'positive', terms: { es: ['amable'], en: ['friendly'] } },
    price: { name: 'Precio · Price', polarity: 'neutral', terms: { es: ['precio'], en: ['price'] } },
  };
  for (const [key, body] of Object.entries(themes)) expect((await api(`/v1/themes/${key}`, { method: 'PUT', key: ws.keys.admin, body })).status).toBe(200);
  const at = (h: number) => `${Y}T${String(h).padStart(2, '0')}:00:00Z`;
  const r = await send(ws, {
    batch: [
      ...['g1', 'g2'].map((c) => ev.identify({ customerId: c, segment: 'gold', timestamp: at(8) })),
      ...['b1', 'b2', 'b3'].map((c) => ev.identify({ customerId: c, segment: 'basic', timestamp: at(8) })),
      ev.interaction({ customerId: 'g1', touchpoint: 'store-till', outcome: 'success', emotion: 'alegría', sentiment: 0.8, timestamp: at(9) }),
      ev.response({ customerId: 'g1', survey: 'nps', score: 10, touchpoint: 'store-till', comment: 'Muy amables en tienda.', timestamp: at(10) }),
      ev.response({ customerId: 'g2', survey: 'nps', score: 9, touchpoint: 'store-till', comment: 'Friendly staff!', timestamp: at(11) }),
      ev.interaction({ customerId: 'b1', touchpoint: 'support-call', outcome: 'failure', emotion: 'enfado', sentiment: -0.7, timestamp: at(9) }),
      ev.response({ customerId: 'b1', survey: 'nps', score: 2, touchpoint: 'support-call', comment: `Demasiada espera. Escribidme a ana@example.com ${EVIL}`, timestamp: at(12) }),
      ev.interaction({ customerId: 'b2', touchpoint: 'support-call', outcome: 'abandoned', emotion: 'impaciencia', sentiment: -0.4, timestamp: at(9) }),
      ev.response({ customerId: 'b2', survey: 'nps', score: 5, touchpoint: 'support-call', comment: 'Too long a wait.', timestamp: at(13) }),
      ev.response({ customerId: 'b3', survey: 'nps', score: 8, touchpoint: 'checkout', comment: 'Correcto, sin más.', timestamp: at(14) }),
    ],
  });
  expect(r.status).toBe(202);
  await rollupRange(ws, Y, Y);
  return ws;
}

describe('dashboard: what customers say', () => {
  it('shows each theme with its mentions, the NPS of mentioners against the rest, shares and a masked, escaped quote', async () => {
    const ws = await withVoice();
    const { html } = await get(await signedIn(ws), '/dashboard?period=7d&lang=en');
    const panel = part(html, '<section id="themes"', 'section');
    expect(panel).toContain('What customers say');
    expect(panel).toContain('5 survey comments in the period');
    // Waiting: b1 (2) and b2 (5) are detractors → −100; the rest are g1 (10), g2 (9), b3 (8) → 66.67.
    const waiting = part(panel, '<li class="card theme negative" data-theme="waiting"', 'li');
    expect(waiting).toContain('data-mentions="2"');
    expect(waiting).toContain('2 mentions');
    expect(waiting).toContain('data-nps="mentioners">-100</strong> (n = 2)');
    expect(waiting).toContain('data-nps="rest">66.67</strong> (n = 3)');
    // Both detractors who commented mention it, no promoter does; two answers are a small sample.
    expect(waiting).toContain('data-share="detractors">100%');
    expect(waiting).toContain('data-share="promoters">0%');
    expect(waiting).toContain('data-low-sample="true"');
    expect(waiting).toContain('small sample (under 30)');
    // The comment's email is masked by the report and its markup is text.
    expect(waiting).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain(EVIL);
    expect(html).not.toContain('ana@example.com');
    expect(waiting).toContain('Support call');
    const staff = part(panel, '<li class="card theme positive" data-theme="staff"', 'li');
    expect(staff).toContain('data-mentions="2"');
    expect(staff).toContain('data-share="promoters">100%');
    // Price: nobody mentions it; listed, not drawn as a card.
    expect(panel).not.toContain('data-theme="price"');
    expect(part(panel, '<p id="themes-silent"', 'p')).toContain('Precio · Price');
    // A word no theme covers, counted once per comment.
    expect(panel).toContain('data-term="correcto" data-mentions="1"');
    expect(panel).toContain('href="/dashboard/empathy?period=7d&amp;lang=en"');
  });

  it('speaks Spanish, and says so when the period has no comments', async () => {
    const ws = await withVoice();
    const session = await signedIn(ws);
    const es = part((await get(session, '/dashboard?period=7d&lang=es')).html, '<section id="themes"', 'section');
    expect(es).toContain('Lo que dicen los clientes');
    expect(es).toContain('2 menciones');
    expect(es).toContain('Palabras de los clientes que ningún tema recoge');
    expect(es).toContain('data-share="detractors">100\u00a0%');
    const empty = await newWorkspace('UTC');
    const s2 = await signedIn(empty);
    for (const [lang, words] of [['en', 'No survey comments in this period yet'], ['es', 'Aún no hay comentarios de encuestas']]) {
      const { html } = await get(s2, `/dashboard?lang=${lang}`);
      expect(part(html, '<p class="empty" id="themes-empty"', 'p')).toContain(words);
      expect(html).not.toContain('data-theme=');
    }
  });
});

describe('dashboard: the empathy map page', () => {
  it('needs a session: without one it shows the sign-in form and no figures', async () => {
    const { res, html } = await get('', '/dashboard/empathy?segment=basic&stage=after-sales');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(html).toContain('action="/dashboard/session');
    expect(html).not.toContain('data-quadrant');
    const forged = await get('__Host-trayecto_session=forged.token', '/dashboard/empathy');
    expect(forged.html).not.toContain('data-quadrant');
  });

  it('draws the five parts for one segment × stage, and an empty part says so, in English and Spanish', async () => {
    const ws = await withVoice();
    const session = await signedIn(ws);
    const { res, html } = await get(session, '/dashboard/empathy?segment=basic&stage=after-sales&period=7d&lang=en');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(part(html, '<h2 id="cell-title"', 'h2')).toContain('basic × After-sales');
    const says = quadrant(html, 'says');
    expect(says).toContain('data-empty="false"');
    expect(says).toContain('2 comments');
    expect(says).toContain('data-theme="waiting"');
    expect(says).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain(EVIL);
    expect(html).not.toContain('ana@example.com');
    expect(quadrant(html, 'does')).toContain('2 interactions');
    expect(quadrant(html, 'feels')).toContain('data-emotion="enfado"');
    const frustrations = quadrant(html, 'frustrations');
    expect(frustrations).toContain('data-theme="waiting"');
    expect(frustrations).toContain('Failure rate: 50% · Abandonment rate: 50%');
    // Nobody in basic × after-sales is a promoter: motivations are empty and say so.
    const motivations = quadrant(html, 'motivations');
    expect(motivations).toContain('data-empty="true"');
    expect(motivations).toContain('No motivations found');
    const es = (await get(session, '/dashboard/empathy?segment=basic&stage=after-sales&period=7d&lang=es')).html;
    expect(es).toContain('<html lang="es">');
    for (const word of ['Mapa de empatía', 'Dice', 'Hace', 'Siente', 'Frustraciones', 'Motivaciones']) expect(es).toContain(word);
    expect(quadrant(es, 'motivations')).toContain('No se encuentran motivaciones');
    expect(quadrant(es, 'frustrations')).toContain('Tasa de fallos: 50\u00a0%');
    // Gold promoters at the till: their motivation is the staff.
    const gold = (await get(session, '/dashboard/empathy?segment=gold&stage=purchase&period=7d&lang=en')).html;
    expect(quadrant(gold, 'motivations')).toContain('data-theme="staff"');
    expect(quadrant(gold, 'frustrations')).toContain('data-empty');
  });

  it('a segment × stage without activity shows every part empty, each saying so', async () => {
    const ws = await withVoice();
    const { html } = await get(await signedIn(ws), '/dashboard/empathy?segment=gold&stage=awareness&period=7d&lang=en');
    expect(html).toContain('id="no-cell"');
    for (const [q, words] of [['says', 'Nothing said here'], ['does', 'Nothing done here'], ['feels', 'No feelings recorded'], ['frustrations', 'No frustrations found'], ['motivations', 'No motivations found']]) {
      expect(quadrant(html, q)).toContain('data-empty="true"');
      expect(quadrant(html, q), q).toContain(words);
    }
  });

  it('any segment, stage, period or language in the query is a 200 page that shows the choice as text', async () => {
    const ws = await withVoice();
    const session = await signedIn(ws);
    const escaped = (x: string) => x.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
    const anything = fc.string({ unit: 'grapheme', maxLength: 300 });
    await fc.assert(
      fc.asyncProperty(anything, anything, fc.constantFrom('7d', '30d', 'x', ''), fc.constantFrom('es', 'en', '<b>'), async (segment, stage, period, lang) => {
        const { res, html } = await get(session, `/dashboard/empathy?${new URLSearchParams({ segment, stage, period, lang })}`);
        expect(res.status).toBe(200);
        expect(html).toContain('data-quadrant="motivations"');
        // The choice is echoed only as escaped text: the title carries both, then the quadrants follow.
        const title = part(html, '<h2 id="cell-title"', 'h2');
        expect(title).toContain(`data-segment="${escaped(segment)}" data-stage="${escaped(stage)}"`);
        expect(html.match(/<script|<img|<b>/g)).toBeNull();
      }),
      { numRuns: 40 },
    );
    // A new workspace has no cells at all: the page still stands, every part empty.
    const fresh = await newWorkspace('UTC');
    const s2 = await signedIn(fresh);
    const { html } = await get(s2, '/dashboard/empathy?lang=es');
    expect(html).toContain('id="no-cell"');
    expect(html.match(/data-empty="true"/g)).toHaveLength(5);
    expect(html).not.toContain('id="pending"');
    // An answer not rolled up yet: the page says its figures are not final.
    expect((await send(fresh, ev.response({ customerId: 'x', comment: 'espera', timestamp: `${Y}T10:00:00Z` }))).status).toBe(202);
    expect(part((await get(s2, '/dashboard/empathy?lang=en')).html, '<p class="pending" id="pending"', 'p')).toContain('1 day is still being processed');
  });

  it('selector links keep the other choice, the period and the language; with no choice it opens the richest cell', async () => {
    const ws = await withVoice();
    const session = await signedIn(ws);
    const { html } = await get(session, '/dashboard/empathy?segment=gold&stage=purchase&period=7d&lang=en');
    const segments = part(html, '<nav id="pick-segment"', 'nav');
    expect(segments).toContain('href="/dashboard/empathy?segment=basic&amp;stage=purchase&amp;period=7d&amp;lang=en"');
    expect(segments).toMatch(/data-value="gold" aria-current="page"/);
    const stages = part(html, '<nav id="pick-stage"', 'nav');
    expect(stages).toContain('href="/dashboard/empathy?segment=gold&amp;stage=after-sales&amp;period=7d&amp;lang=en"');
    expect(stages).toContain('>After-sales</a>');
    expect(html).toContain('href="/dashboard?period=7d&amp;lang=en"');
    // The overview: one row per segment, one column per stage seen, comments linking to each cell; a dash where nothing happened.
    const overview = part(html, '<table id="overview"', 'table');
    expect(overview).toContain('<th scope="col">Purchase</th><th scope="col">After-sales</th></tr>');
    expect(overview).toContain('<th scope="row">basic</th><td><a href="/dashboard/empathy?segment=basic&amp;stage=purchase&amp;period=7d&amp;lang=en" title="0 interactions">1 comment</a></td><td><a href="/dashboard/empathy?segment=basic&amp;stage=after-sales&amp;period=7d&amp;lang=en" title="2 interactions">2 comments</a></td></tr>');
    expect(overview).toMatch(/<th scope="row">gold<\/th><td><a [^>]*aria-current="page" title="1 interaction">2 comments<\/a><\/td><td>—<\/td><\/tr>/);
    // Without a choice: the cell with the most comments, then interactions (basic × after-sales: 2 and 2; gold × purchase: 2 and 1).
    const first = (await get(session, '/dashboard/empathy?period=7d&lang=en')).html;
    expect(first).toContain('<h2 id="cell-title" data-segment="basic" data-stage="after-sales">');
    const onlyStage = (await get(session, '/dashboard/empathy?stage=purchase&period=7d&lang=en')).html;
    expect(onlyStage).toContain('<h2 id="cell-title" data-segment="gold" data-stage="purchase">');
    // Markup asked for in the query is text.
    const odd = (await get(session, `/dashboard/empathy?segment=${encodeURIComponent(EVIL)}&period=7d`)).html;
    expect(odd).not.toContain(EVIL);
    expect(odd).toContain('&lt;script&gt;');
  });
});
