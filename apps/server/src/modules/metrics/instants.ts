/** Instants and calendar days as the wire spells them (§1.1). */

/** Parsing lives with the contracts, whose metric fields validate instants; re-exported for the server's own use. */
export { parseZulu } from '@acc/contracts';

/** `2022-01-05T09:13:07Z`, with milliseconds only when there are some. */
export const formatInstant = (d: Date): string => d.toISOString().replace('.000Z', 'Z');

/** A validated `yyyy-MM-dd` at 00:00Z. */
export const dayStart = (day: string): Date => new Date(`${day}T00:00:00Z`);

/** 00:00Z of the day after: `< nextDay` is `<= day at 23:59:59.999999999`. */
export const nextDayStart = (day: string): Date => new Date(dayStart(day).getTime() + 86_400_000);
