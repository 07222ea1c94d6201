/** Instants and calendar days as the wire spells them (§1.1). */

const ZULU = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z$/;

/**
 * An ISO-8601 instant with a `Z` suffix and optional fractional seconds (§4.7 rule 4); undefined for
 * anything else, including impossible dates such as Feb 30 or hour 24.
 */
export function parseZulu(text: string): Date | undefined {
  const m = ZULU.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  if (y < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const ms = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  // Date.UTC maps years 0..99 onto 1900..1999.
  date.setUTCFullYear(y);
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return date;
}

/** `2022-01-05T09:13:07Z`, with milliseconds only when there are some. */
export const formatInstant = (d: Date): string => d.toISOString().replace('.000Z', 'Z');

/** A validated `yyyy-MM-dd` at 00:00Z. */
export const dayStart = (day: string): Date => new Date(`${day}T00:00:00Z`);

/** 00:00Z of the day after: `< nextDay` is `<= day at 23:59:59.999999999`. */
export const nextDayStart = (day: string): Date => new Date(dayStart(day).getTime() + 86_400_000);
