import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { containsTerm, matchThemes, words } from '../src/insights/matching.ts';
import { THEME_LIMITS } from '../src/insights/themes.ts';
import { apiJson, newWorkspace, type TestWorkspace } from './helpers.ts';

const price = { key: 'price', terms: { es: ['precio', 'caro'], en: ['price', 'expensive'] } };
const wait = { key: 'wait', terms: { es: ['tiempo de espera'], en: ['waiting time'] } };

describe('theme matching', () => {
  it('hand-worked cases: accents, case, punctuation, plurals, word boundaries, multi-word terms', () => {
    expect(matchThemes('¡PRECIOS!', [price])).toEqual(['price']);
    expect(matchThemes('Le aprecio mucho', [price])).toEqual([]);
    expect(matchThemes('Muy CARO, la verdad', [price])).toEqual(['price']);
    expect(matchThemes('caros y caras', [price])).toEqual(['price']); // "caros" = caro + s
    expect(matchThemes('caramelo', [price])).toEqual([]);
    expect(matchThemes('El TIEMPO   de  ESPERA fue eterno', [wait])).toEqual(['wait']);
    expect(matchThemes('tiempos de esperas', [wait])).toEqual(['wait']);
    expect(matchThemes('tiempo, no hubo espera', [wait])).toEqual([]);
    expect(matchThemes('The waiting-time was long; prices too', [price, wait])).toEqual(['price', 'wait']);
    expect(matchThemes('errores', [{ key: 'err', terms: { es: ['error'], en: [] } }])).toEqual(['err']);
    expect(matchThemes('erroneo', [{ key: 'err', terms: { es: ['error'], en: [] } }])).toEqual([]);
    expect(matchThemes('atención', [{ key: 'att', terms: { es: ['ATENCION'], en: [] } }])).toEqual(['att']);
  });

  const letters = fc.stringMatching(/^[a-zñ]{2,10}$/);
  const accentVariants: Record<string, string> = { a: 'á', e: 'é', i: 'í', o: 'ó', u: 'ü', n: 'ñ' };
  const sep = fc.constantFrom(' ', ', ', '! ', '¿', ' … ', '\n', '. ', ' (', ') ');

  it('a term matches any accented, upper-cased, punctuated occurrence of itself or its plural', () => {
    fc.assert(
      fc.property(
        fc.array(letters, { minLength: 1, maxLength: 3 }),
        fc.array(letters, { maxLength: 4 }),
        fc.array(letters, { maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        sep,
        fc.constantFrom('', 's', 'es'),
        (term, before, after, flips, s, plural) => {
          const decorate = (w: string) =>
            [...w].map((ch, i) => (flips[i % flips.length] ? (accentVariants[ch] ?? ch).toUpperCase() : ch)).join('');
          const occurrence = term.map((w, i) => decorate(i === term.length - 1 ? w + plural : w)).join(s);
          const text = [...before, occurrence, ...after].join(s);
          const termText = term.join(' ').replaceAll('ñ', 'n');
          // ñ folds to n like any accent, so the unaccented spelling matches too.
          expect(containsTerm(words(text), words(termText))).toBe(true);
        },
      ),
    );
  });

  it('a term never matches inside a longer word (a prefix or a suffix other than s/es)', () => {
    fc.assert(
      fc.property(letters, fc.stringMatching(/^[a-z]{1,4}$/), fc.stringMatching(/^[a-z]{1,4}$/), (term, pre, post) => {
        fc.pre(post !== 's' && post !== 'es');
        expect(containsTerm(words(`${pre}${term} and ${term}${post}`), words(term))).toBe(false);
        expect(containsTerm(words(`${pre}${term} y ${term}${post}`.toUpperCase()), words(term))).toBe(false);
      }),
    );
  });
});

describe('/v1/themes', () => {
  let ws: TestWorkspace;
  let other: TestWorkspace;
  beforeAll(async () => {
    [ws, other] = await Promise.all([newWorkspace(), newWorkspace()]);
  });

  it('stores, lists (read key), updates and deletes a theme; nothing crosses workspaces', async () => {
    const body = { name: 'Precio', terms: { es: ['precio', 'caro'], en: ['price'] }, polarity: 'negative' };
    const put = await apiJson('/v1/themes/price', { method: 'PUT', key: ws.keys.admin, body });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ key: 'price', ...body });
    const defaults = await apiJson('/v1/themes/staff', { method: 'PUT', key: ws.keys.admin, body: { name: 'Staff', terms: { es: ['amable'] } } });
    expect(defaults.body).toEqual({ key: 'staff', name: 'Staff', terms: { es: ['amable'], en: [] }, polarity: 'neutral' });

    const list = await apiJson('/v1/themes', { key: ws.keys.read });
    expect(list.body.themes.map((t: { key: string }) => t.key)).toEqual(['price', 'staff']);
    expect((await apiJson('/v1/themes', { key: other.keys.read })).body.themes).toEqual([]);
    expect((await apiJson('/v1/themes/price', { method: 'DELETE', key: other.keys.admin })).status).toBe(404);

    await apiJson('/v1/themes/price', { method: 'PUT', key: ws.keys.admin, body: { ...body, polarity: 'positive' } });
    expect((await apiJson('/v1/themes', { key: ws.keys.read })).body.themes[0].polarity).toBe('positive');
    expect((await apiJson('/v1/themes/price', { method: 'PUT', key: ws.keys.read, body })).status).toBe(403);
    expect((await apiJson('/v1/themes/price', { method: 'DELETE', key: ws.keys.admin })).status).toBe(204);
    expect((await apiJson('/v1/themes/price', { method: 'DELETE', key: ws.keys.admin })).status).toBe(404);
    expect((await apiJson('/v1/themes', { key: ws.keys.read })).body.themes.map((t: { key: string }) => t.key)).toEqual(['staff']);
  });

  it('bad input → 400 problem+json with the field path, nothing stored', async () => {
    const fresh = await newWorkspace();
    const long = 'x'.repeat(THEME_LIMITS.termLength + 1);
    const bad = [
      {},
      { name: '', terms: { es: ['a'] } },
      { name: 'n', terms: { es: [], en: [] } },
      { name: 'n', terms: { es: ['¡¿!?'] } },
      { name: 'n', terms: { es: [long] } },
      { name: 'n', terms: { es: Array.from({ length: THEME_LIMITS.termsPerLanguage + 1 }, (_, i) => `t${i}`) } },
      { name: 'n', terms: { fr: ['prix'] } },
      { name: 'n', terms: { es: ['a'] }, polarity: 'angry' },
      { name: 'n', terms: { es: [3] } },
    ];
    for (const body of bad) {
      const r = await apiJson('/v1/themes/t', { method: 'PUT', key: fresh.keys.admin, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.res.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body.errors.length).toBeGreaterThan(0);
    }
    const badKey = await apiJson('/v1/themes/%20bad', { method: 'PUT', key: fresh.keys.admin, body: { name: 'n', terms: { es: ['a'] } } });
    expect(badKey.status).toBe(400);
    expect((await apiJson('/v1/themes', { key: fresh.keys.read })).body.themes).toEqual([]);
  });

  it('caps the number of themes per workspace with a 409', async () => {
    const fresh = await newWorkspace();
    const body = { name: 'n', terms: { en: ['word'] } };
    for (let i = 0; i < THEME_LIMITS.themes; i += 10) {
      await Promise.all(Array.from({ length: 10 }, (_, j) => apiJson(`/v1/themes/t${i + j}`, { method: 'PUT', key: fresh.keys.admin, body })));
    }
    const over = await apiJson('/v1/themes/one-more', { method: 'PUT', key: fresh.keys.admin, body });
    expect(over.status).toBe(409);
    expect((await apiJson('/v1/themes/t0', { method: 'PUT', key: fresh.keys.admin, body })).status).toBe(200);
    expect((await apiJson('/v1/themes', { key: fresh.keys.read })).body.themes).toHaveLength(THEME_LIMITS.themes);
  });

  it('is documented in /openapi.json', async () => {
    const doc = await apiJson('/openapi.json');
    expect(Object.keys(doc.body.paths['/v1/themes/{key}'])).toEqual(expect.arrayContaining(['put', 'delete']));
    expect(doc.body.components.schemas.ThemeInput).toBeDefined();
  });
});
