import { Temporal } from '@js-temporal/polyfill';
import { MAX_USAGE_WINDOWS, usageMessages, type UsageBound, type UsageWindow } from '@acc/contracts';
import { badRequest } from '../../errors.js';

/**
 * Window boundaries in a time zone (usage-api.md §1), computed with the Temporal polyfill: a calendar day,
 * week, month, quarter or year starts at the first instant of its first local date (`toZonedDateTime`
 * resolves a midnight that a DST gap skips to the gap's end), so a local day is 23, 24 or 25 hours long
 * and a zone such as Asia/Kathmandu (+05:45) puts its days at 18:15Z. The boundaries travel to SQL as
 * instants, so the database never needs to know the zone.
 */

/** [start, end) as instants (ms since the epoch), and the windows' boundaries: `bounds[0] = start`, last = `end`. */
export interface WindowPlan {
  start: number;
  end: number;
  /** Strictly increasing; window i is [bounds[i], bounds[i+1]). First and last are clipped to the range. */
  bounds: number[];
}

/** A `yyyy-MM-dd` at 00:00 in `tz`, or the instant as given. */
export function instantOf(b: UsageBound, tz: string): number {
  if ('date' in b) return Temporal.PlainDate.from(b.date).toZonedDateTime({ timeZone: tz }).epochMilliseconds;
  return Date.parse(b.instant);
}

type Calendar = Exclude<UsageWindow, 'hour' | 'total'>;
const STEP: Record<Calendar, Temporal.DurationLike> = {
  day: { days: 1 },
  week: { weeks: 1 },
  month: { months: 1 },
  quarter: { months: 3 },
  year: { years: 1 },
};
/** The shortest length of each window: enough to bound how many windows a range can hold before listing them. */
const MIN_MS: Record<Exclude<UsageWindow, 'total'>, number> = {
  hour: 30 * 60_000,
  day: 23 * 3_600_000,
  week: 167 * 3_600_000,
  month: 28 * 86_400_000 - 3_600_000,
  quarter: 89 * 86_400_000 - 3_600_000,
  year: 365 * 86_400_000 - 3_600_000,
};

const DAY = 86_400_000;
const AVERAGE_MS: Record<Exclude<UsageWindow, 'total'>, number> = {
  hour: 3_600_000,
  day: DAY,
  week: 7 * DAY,
  month: (365.2425 / 12) * DAY,
  quarter: (365.2425 / 4) * DAY,
  year: 365.2425 * DAY,
};

/** The local date that starts the calendar window holding `date`. */
function windowDate(date: Temporal.PlainDate, window: Calendar): Temporal.PlainDate {
  switch (window) {
    case 'day':
      return date;
    case 'week':
      return date.subtract({ days: date.dayOfWeek - 1 });
    case 'month':
      return date.with({ day: 1 });
    case 'quarter':
      return date.with({ month: Math.floor((date.month - 1) / 3) * 3 + 1, day: 1 });
    case 'year':
      return date.with({ month: 1, day: 1 });
  }
}

const startOf = (date: Temporal.PlainDate, tz: string) => date.toZonedDateTime({ timeZone: tz }).epochMilliseconds;

/** The start of the local hour holding `ms`, and of the next one (a 30-minute DST shift still moves forward). */
function hourFloor(ms: number, tz: string): number {
  const z = Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(tz);
  return z.round({ smallestUnit: 'hour', roundingMode: 'floor' }).epochMilliseconds;
}

/** Each window boundary after `from` up to `end`, at most `limit` + 1 of them (enough to tell "too many"). */
function* boundaries(from: number, end: number, window: Exclude<UsageWindow, 'total'>, tz: string): Generator<number> {
  if (window === 'hour') {
    let cur = hourFloor(from, tz);
    while (cur < end) {
      let next = hourFloor(cur + 3_600_000, tz);
      if (next <= cur) next = cur + 3_600_000;
      yield next;
      cur = next;
    }
    return;
  }
  const zoned = Temporal.Instant.fromEpochMilliseconds(from).toZonedDateTimeISO(tz);
  let date = windowDate(zoned.toPlainDate(), window);
  // The window's first local date may start after `from` when a DST gap skipped midnight: step back.
  if (startOf(date, tz) > from) date = windowDate(date.subtract({ days: 1 }), window);
  for (;;) {
    date = date.add(STEP[window]);
    const next = startOf(date, tz);
    yield next;
    if (next >= end) return;
  }
}

/**
 * The range and its windows. 400 `start must be before end.` unless start < end; 400 "Too many windows"
 * beyond MAX_USAGE_WINDOWS, decided before listing a huge range (its count is then an estimate from the
 * window's shortest length, exact whenever it is near the limit).
 */
export function planWindows(startBound: UsageBound, endBound: UsageBound, window: UsageWindow, tz: string): WindowPlan {
  const start = instantOf(startBound, tz);
  const end = instantOf(endBound, tz);
  if (!(start < end)) throw badRequest(usageMessages.startBeforeEnd);
  if (window === 'total') return { start, end, bounds: [start, end] };
  const ceiling = Math.ceil((end - start) / MIN_MS[window]) + 1;
  if (ceiling > 2 * MAX_USAGE_WINDOWS) {
    // Far over the limit: the count only names the problem, so an average length is close enough.
    throw badRequest(usageMessages.tooManyWindows(Math.round((end - start) / AVERAGE_MS[window])));
  }
  const bounds = [start];
  for (const b of boundaries(start, end, window, tz)) bounds.push(Math.min(b, end));
  if (bounds.length - 1 > MAX_USAGE_WINDOWS) throw badRequest(usageMessages.tooManyWindows(bounds.length - 1));
  return { start, end, bounds };
}
