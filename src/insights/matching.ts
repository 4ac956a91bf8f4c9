// Word matching for themes. Pure: no storage, no clock.
//
// Text and terms are folded the same way: NFD, combining marks stripped, lower case; then split
// into words with Intl.Segmenter (granularity 'word', only word-like segments), so punctuation
// and spaces never matter and a term never matches inside a longer word ("precio" ≠ "aprecio").
// Plurals: a term word also matches itself + "s" or + "es" ("precio" → "precios", "error" →
// "errores", "delay" → "delays"). Nothing else: no stemming, no synonyms.

const segmenter = new Intl.Segmenter('und', { granularity: 'word' });

export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** The folded words of a text, in order. */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const s of segmenter.segment(fold(text))) if (s.isWordLike) out.push(s.segment);
  return out;
}

const wordMatches = (word: string, term: string) => word === term || word === `${term}s` || word === `${term}es`;

/** Whether the term (one or more words) occurs as consecutive words of the text's words. */
export function containsTerm(textWords: readonly string[], termWords: readonly string[]): boolean {
  if (!termWords.length || termWords.length > textWords.length) return false;
  outer: for (let i = 0; i + termWords.length <= textWords.length; i++) {
    for (let j = 0; j < termWords.length; j++) if (!wordMatches(textWords[i + j], termWords[j])) continue outer;
    return true;
  }
  return false;
}

export type ThemeTerms = { key: string; terms: { es: string[]; en: string[] } };

/** Keys of the themes whose terms (in any language: comments often mix them) occur in the text. */
export function matchThemes(text: string, themes: readonly ThemeTerms[]): string[] {
  const textWords = words(text);
  return themes
    .filter((t) => [...t.terms.es, ...t.terms.en].some((term) => containsTerm(textWords, words(term))))
    .map((t) => t.key);
}
