import { MAX_USAGE_WINDOWS, usageMessages, type UsageBound, type UsageWindow } from '@acc/contracts';
import { badRequest } from '../../errors.js';
import { offsetAt, utcOf, wallToInstant } from './zone.js';

/**
 * Window boundaries in a time zone (usage-api.md §1): a calendar day, week, month, quarter or year starts
 * at the first instant of its first local date (a midnight that a DST gap skips resolves to the gap's
 * end), so a local day is 23, 24 or 25 hours long and a zone such as Asia/Kathmandu (+05:45) puts its days
 * at 18:15Z. Calendar arithmetic is on wall-clock dates, the zone only converts (zone.ts, `Intl`). The
 * boundaries travel to SQL as instants, so the database never needs to know the zone.
 */

/** [start, end) as instants (ms since the epoch), and the windows' boundaries: `bounds[0] = start`, last = `end`. */
export interface WindowPlan {
  start: number;
  end: number;
  /** Strictly increasing; window i is [bounds[i], bounds[i+1]). First and last are clipped to the range. */
  bounds: number[];
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** 00:00 of a wall-clock date in `tz`. */
const dayStart = (y: number, m0: number, d: number, tz: string, hint?: number) => wallToInstant(utcOf(y, m0, d), tz, hint);

/** A `yyyy-MM-dd` at 00:00 in `tz`, or the instant as given. */
export function instantOf(b: UsageBound, tz: string): number {
  if ('instant' in b) return Date.parse(b.instant);
  const [y, m, d] = b.date.split('-').map(Number);
  return dayStart(y, m - 1, d, tz);
}

export type Calendar = Exclude<UsageWindow, 'hour' | 'total'>;
/** How far each calendar window steps, in wall-clock [months, days]. */
const STEP: Record<Calendar, [number, number]> = { day: [0, 1], week: [0, 7], month: [1, 0], quarter: [3, 0], year: [12, 0] };
/** The shortest length of each window: enough to bound how many windows a range can hold before listing them. */
const MIN_MS: Record<Exclude<UsageWindow, 'total'>, number> = {
  hour: 30 * 60_000,
  day: 23 * HOUR,
  week: 167 * HOUR,
  month: 28 * DAY - HOUR,
  quarter: 89 * DAY - HOUR,
  year: 365 * DAY - HOUR,
};
const AVERAGE_MS: Record<Exclude<UsageWindow, 'total'>, number> = {
  hour: HOUR,
  day: DAY,
  week: 7 * DAY,
  month: (365.2425 / 12) * DAY,
  quarter: (365.2425 / 4) * DAY,
  year: 365.2425 * DAY,
};

/** The wall-clock date [year, month0, day] that starts the calendar window holding wall date (y, m0, d). */
function windowDate(y: number, m0: number, d: number, window: Calendar): [number, number, number] {
  switch (window) {
    case 'day':
      return [y, m0, d];
    case 'week': {
      const dow = (new Date(utcOf(y, m0, d)).getUTCDay() + 6) % 7; // Monday = 0
      return [y, m0, d - dow];
    }
    case 'month':
      return [y, m0, 1];
    case 'quarter':
      return [y, Math.floor(m0 / 3) * 3, 1];
    case 'year':
      return [y, 0, 1];
  }
}

/** The start of the local hour holding `ms` (within its own offset, so a repeated hour stays itself). */
function hourFloor(ms: number, tz: string): number {
  const local = ms + offsetAt(ms, tz);
  return ms - (((local % HOUR) + HOUR) % HOUR);
}

/** The first local date of the calendar window holding instant `ms`, and the zone's offset at `ms`. */
function firstDateOf(ms: number, window: Calendar, tz: string): { date: [number, number, number]; offset: number } {
  const offset = offsetAt(ms, tz);
  const wall = new Date(ms + offset);
  let date = windowDate(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate(), window);
  // The window's first local date may start after `ms` when a DST gap skipped midnight: step back.
  if (dayStart(...date, tz, offset) > ms) date = windowDate(date[0], date[1], date[2] - 1, window);
  return { date, offset };
}

/** The calendar window (day, ISO week, month, quarter, year in `tz`) that holds instant `ms`: [start, end). */
export function calendarWindowAt(ms: number, window: Calendar, tz: string): { start: number; end: number } {
  const { date, offset } = firstDateOf(ms, window, tz);
  const [y, m0, d] = date;
  const [months, days] = STEP[window];
  let start = dayStart(y, m0, d, tz, offset);
  // A fall-back just after midnight (St John's until 2011: 00:01 → 23:01) shows the previous date again
  // after the next day has begun: the instant then lies in a later window.
  for (let k = 1; ; k++) {
    const end = dayStart(y, m0 + k * months, d + k * days, tz, offset);
    if (end > ms) return { start, end };
    start = end;
  }
}

/** Each window boundary after `from`, the last one at or beyond `end`. */
function* boundaries(from: number, end: number, window: Exclude<UsageWindow, 'total'>, tz: string): Generator<number> {
  if (window === 'hour') {
    let cur = hourFloor(from, tz);
    while (cur < end) {
      let next = hourFloor(cur + HOUR, tz);
      // A 30-minute DST shift (Australia/Lord_Howe) may floor back over it: always move forward.
      if (next <= cur) next = cur + HOUR;
      yield next;
      cur = next;
    }
    return;
  }
  const { date, offset } = firstDateOf(from, window, tz);
  const [y, m0, d] = date;
  const [months, days] = STEP[window];
  for (let k = 1; ; k++) {
    // Step from the first date every time (month ends: Jan 31 + 1 month is Feb 28/29, never drifting).
    const next = dayStart(y, m0 + k * months, d + k * days, tz, offset);
    yield next;
    if (next >= end) return;
  }
}

/**
 * The range and its windows. 400 `start must be before end.` unless start < end; 400 "Too many windows"
 * beyond MAX_USAGE_WINDOWS, decided before listing a huge range (its count is then an estimate from the
 * window's average length, exact whenever it is near the limit).
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
