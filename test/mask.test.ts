import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskContacts, QUOTE_CHARS, quoteText } from '../src/insights/mask.ts';
import { isTermCandidate, STOP_WORDS } from '../src/insights/stop-words.ts';
import { words } from '../src/insights/matching.ts';

describe('masking emails and phone numbers in quotes', () => {
  it('hand-worked cases in Spanish and English', () => {
    expect(maskContacts('Llamadme al +34 612 345 678, gracias')).toBe('Llamadme al [phone], gracias');
    expect(maskContacts('Call me at (555) 123-4567.')).toBe('Call me at [phone].');
    expect(maskContacts('write to a.b+c@x.co now')).toBe('write to [email] now');
    expect(maskContacts('Mi correo: José.Pérez@correo.es y mi móvil 612345678')).toBe('Mi correo: [email] y mi móvil [phone]');
    expect(maskContacts('tel. 91.123.45.67 o 600-11-22-33')).toBe('tel. [phone] o [phone]');
    expect(maskContacts('+1 555 0100 / +44 20 7946 0958')).toBe('[phone] / [phone]');
    // Short numbers are kept: they are amounts, counts, order numbers.
    expect(maskContacts('Esperé 3 días por el pedido 12345 de 49,99 €')).toBe('Esperé 3 días por el pedido 12345 de 49,99 €');
    expect(maskContacts('at 10:30 on 12/11, 2 items')).toBe('at 10:30 on 12/11, 2 items');
    expect(maskContacts('no contact here @ all')).toBe('no contact here @ all');
  });

  const local = fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,12}$/);
  const domain = fc.stringMatching(/^[a-z0-9-]{1,10}(\.[a-z]{2,4}){1,2}$/);
  const email = fc.tuple(local, domain).map(([l, d]) => `${l}@${d}`);
  const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
  const phone = fc.oneof(
    fc.tuple(fc.integer({ min: 1, max: 99 }), digits(3), digits(3), digits(3)).map(([c, a, b, d]) => `+${c} ${a} ${b} ${d}`),
    fc.tuple(digits(3), digits(3), digits(4)).map(([a, b, c]) => `(${a}) ${b}-${c}`),
    digits(9),
    fc.tuple(digits(3), digits(2), digits(2), digits(2)).map((p) => p.join('.')),
  );
  const prose = fc.constantFrom('Hola', 'mi número es', 'call me', 'escribid a', 'thanks!', '¿vale?', 'ok', 'Muy mal servicio,');

  it('no email and no phone survives masking, whatever the words around them', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(prose, email, phone), { minLength: 1, maxLength: 8 }), (parts) => {
        const masked = maskContacts(parts.join(' '));
        expect(masked).not.toMatch(/@[a-z0-9-]+\./);
        // No run of 7 digits remains, even across the separators phones use.
        expect(masked.replace(/[\s().+-]/g, '')).not.toMatch(/\d{7}/);
        for (const p of parts) if (!/\d|@/.test(p)) expect(masked).toContain(p);
      }),
    );
  });

  it('quotes are masked, whitespace collapsed, and cut to QUOTE_CHARS with an ellipsis', () => {
    expect(quoteText('  Muy   caro.\n\nEscribid a ana@x.es  ')).toBe('Muy caro. Escribid a [email]');
    const long = `+34 612 345 678 ${'palabra '.repeat(60)}final`;
    const q = quoteText(long);
    expect([...q].length).toBeLessThanOrEqual(QUOTE_CHARS);
    expect(q.endsWith('…')).toBe(true);
    expect(q.startsWith('[phone] palabra')).toBe(true);
    expect(q).not.toMatch(/palabr…|\d/);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (s) => {
        expect([...quoteText(s)].length).toBeLessThanOrEqual(QUOTE_CHARS);
      }),
    );
  });
});

describe('stop words', () => {
  it('are folded like comments, and never unthemed terms', () => {
    for (const w of STOP_WORDS) {
      expect(words(w), w).toEqual([w]);
      expect(isTermCandidate(w)).toBe(false);
    }
    // Accents fold: "está", "también", "qué" are stop words as written by customers.
    for (const w of ['Está', 'también', 'Qué', 'THE', 'Would']) expect(isTermCandidate(words(w)[0]), w).toBe(false);
    for (const w of ['precio', 'espera', 'delivery', 'staff', 'nadie']) expect(isTermCandidate(w), w).toBe(true);
    expect(isTermCandidate('ok')).toBe(false); // under 3 letters
    expect(isTermCandidate('covid19')).toBe(false); // carries a digit
  });
});
