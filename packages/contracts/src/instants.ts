/** Instants as the wire spells them (§1.1). */

const ZULU = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z$/;

/**
 * An ISO-8601 instant with a `Z` suffix and optional fractional seconds (§4.7 rule 4); undefined for
 * anything else, including impossible dates such as Feb 30 or hour 24.
 */
export function parseZulu(text: string): Date | undefined {
  const m = ZULU.exec(text);
  if (!m) return undefined;
  // Read in place: destructuring a sliced, mapped copy cost two arrays and an iterator per instant, and
  // a bulk push parses 20,000 of them at once.
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const s = Number(m[6]);
  if (y < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const ms = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  // Date.UTC maps years 0..99 onto 1900..1999.
  date.setUTCFullYear(y);
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return date;
}
