import type { SchedulePeriod } from '@acc/contracts';
import { offsetAt, utcOf, wallToInstant } from '../usage/zone.js';

/**
 * Report periods of a schedule (alerts.md §3) as the report endpoints take them: `yyyy-MM-dd` dates,
 * `start` the first day and `end` the day after the last. A week starts on Monday, a month on its first;
 * the zone decides which local date "now" is and when a period has ended (zone.ts, `Intl` only).
 */

const DAY = 86_400_000;

const format = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const fieldsOf = (date: string) => date.split('-').map(Number) as [number, number, number];

/** The local calendar date of instant `ms` in `tz`. */
export function localDate(ms: number, tz: string): string {
  return format(ms + offsetAt(ms, tz));
}

/** The first day of the period holding `date`. */
export function periodStart(date: string, every: SchedulePeriod): string {
  const [y, m, d] = fieldsOf(date);
  if (every === 'month') return format(utcOf(y, m - 1, 1));
  const ms = utcOf(y, m - 1, d);
  // getUTCDay: Sunday 0 … Saturday 6; Monday starts the week.
  return format(ms - ((new Date(ms).getUTCDay() + 6) % 7) * DAY);
}

/** The day after the last of the period starting on `start`: the next period's start. */
export function periodEnd(start: string, every: SchedulePeriod): string {
  const [y, m, d] = fieldsOf(start);
  return format(every === 'month' ? utcOf(y, m, d) : utcOf(y, m - 1, d + 7));
}

/** The start of the period in course at instant `ms`: the `end` of the last one that has ended. */
export const currentPeriodStart = (ms: number, every: SchedulePeriod, tz: string) => periodStart(localDate(ms, tz), every);

/**
 * When the period ending on `end` may be sent: its end in `tz` (local midnight, or the first instant of the
 * day when DST skips midnight), and not before that day's 00:00Z either, because the report endpoints read
 * whole UTC days — east of UTC the last UTC day is still running at local midnight, and a report sent then
 * would lack its last hours.
 */
export function dueAt(end: string, tz: string): number {
  const [y, m, d] = fieldsOf(end);
  const wall = utcOf(y, m - 1, d);
  return Math.max(wallToInstant(wall, tz), wall);
}
