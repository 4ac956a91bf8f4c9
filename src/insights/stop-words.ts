// Stop words left out of the unthemed terms: words that say nothing about the experience
// (articles, pronouns, prepositions, conjunctions, auxiliaries, the commonest adverbs) in
// Spanish and English. Written folded (no accents, lower case) as `words()` folds comments, so
// "está" and "esta" are the same entry. Compact on purpose: a word that slips through just
// shows up among the terms, which an admin can read past; a list too long would hide words
// ("precio", "caro") that matter. Words under 3 letters and words with a digit never count.

const ES = `
a al algo algun alguna algunas alguno algunos ante antes aqui asi aun aunque bien cada casi como con contra cual cuales
cuando de del desde donde dos el ella ellas ello ellos en entre era eran eres es esa esas ese eso esos esta estaba
estado estamos estan estar estas este esto estos estoy fue fueron fui ha habia han hasta hay he hemos la las le les lo
los mas me mi mis mucho muchos muy nada ni no nos nosotros o os otra otras otro otros para pero poco por porque que
quien se sea ser si sido sin sobre solo son su sus tambien tan tanto te tener tengo tiene tienen todo todos tu tus un
una uno unos usted ustedes vez y ya yo hace hacer hizo puede pueden cosa cosas vale pues luego entonces siempre
`;

const EN = `
a about after again all also am an and any are as at be because been before being both but by can could did do does
doing done for from get got had has have having he her here him his how i if in into is it its just me more most my
no not now of off on once only or other our out over own same she should so some such than that the their them then
there these they this those through to too under until up very was we were what when where which while who why will
with would you your yours really much many one ever still even
`;

const list = (s: string) => s.split(/\s+/).filter(Boolean);

/** Folded stop words of both languages (comments mix them). */
export const STOP_WORDS: ReadonlySet<string> = new Set([...list(ES), ...list(EN)]);

/** Shortest word kept as an unthemed term. */
export const MIN_TERM_LENGTH = 3;

/**
 * Whether a folded word can be an unthemed term: not a stop word, at least MIN_TERM_LENGTH
 * characters, and no digit (numbers, codes and amounts are not topics).
 */
export function isTermCandidate(word: string): boolean {
  return word.length >= MIN_TERM_LENGTH && !/\p{Nd}/u.test(word) && !STOP_WORDS.has(word);
}
