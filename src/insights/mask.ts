// Quotes shown in reports are customers' own words: emails and phone numbers in them are
// masked before they are stored, so no report, KV copy or rollup row ever holds them.
// Over-masking is the safe side: any run of 7 or more digits (with spaces, dots, dashes,
// parentheses or a leading +) is taken for a phone, so a long order number or a date written
// 2026-12-04 is masked too; shorter numbers ("pedido 12345", "3 días") stay.

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
const PHONE_CANDIDATE = /\+?\(?\d[\d\s().-]*\d/g;
const MIN_PHONE_DIGITS = 7;

/** The text with every email replaced by `[email]` and every phone-like number by `[phone]` (or by the given stand-ins). */
export function maskContacts(text: string, email = '[email]', phone = '[phone]'): string {
  return text
    .replace(EMAIL, email)
    .replace(PHONE_CANDIDATE, (m) => (m.replace(/\D/g, '').length >= MIN_PHONE_DIGITS ? phone : m));
}

/** Characters of a comment kept as a quote (after masking). */
export const QUOTE_CHARS = 280;

/** A comment as a report quotes it: masked, whitespace collapsed, cut to QUOTE_CHARS with "…". */
export function quoteText(comment: string): string {
  const text = maskContacts(comment).replace(/\s+/g, ' ').trim();
  // By code points, so that no emoji or other astral character is cut in half.
  const chars = [...text];
  if (chars.length <= QUOTE_CHARS) return text;
  const cut = chars.slice(0, QUOTE_CHARS - 1).join('');
  const space = cut.lastIndexOf(' ');
  // Cut at a word boundary unless that loses much of the quote.
  return `${space > QUOTE_CHARS * 0.75 ? cut.slice(0, space) : cut}…`;
}
