/**
 * Wall clock ↔ instant in an IANA zone, with `Intl.DateTimeFormat` (the runtime's own tz database) and
 * nothing else. The Temporal polyfill did the same with every boundary costing a fraction of a
 * millisecond; a year of day windows then cost more than the query. Here an offset is one `formatToParts`
 * on a cached formatter, and a wall time needs two of them.
 *
 * "Wall" values are milliseconds of `Date.UTC(local fields)`: the local clock read as if it were UTC.
 */
const HOUR = 3_600_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterOf(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** `Date.UTC` for any year ≥ 1 (it maps 0..99 onto 1900..1999); month and day may overflow. */
export function utcOf(year: number, month0: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month0, day);
  d.setUTCHours(0, 0, 0, 0);
  return d.getTime();
}

/** The zone's offset at instant `ms`, in milliseconds (local = ms + offset). */
export function offsetAt(ms: number, tz: string): number {
  if (tz === 'UTC') return 0; // the default zone: no formatter round trip per boundary
  const parts = formatterOf(tz).formatToParts(new Date(ms));
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  for (const p of parts) {
    switch (p.type) {
      case 'year':
        year = Number(p.value);
        break;
      case 'month':
        month = Number(p.value);
        break;
      case 'day':
        day = Number(p.value);
        break;
      case 'hour':
        hour = Number(p.value);
        break;
      case 'minute':
        minute = Number(p.value);
        break;
      case 'second':
        second = Number(p.value);
        break;
      case 'era':
        bc = p.value.startsWith('B');
        break;
    }
  }
  const wall = new Date(0);
  wall.setUTCFullYear(bc ? 1 - year : year, month - 1, day);
  wall.setUTCHours(hour, minute, second, 0);
  return wall.getTime() - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * The instant a wall time names, disambiguated as Temporal's `compatible` does: in a repeated hour the
 * earlier instant, in a skipped one the instant as if the offset before the gap still held (so a
 * midnight that DST skips gives the first instant of that day).
 */
export function wallToInstant(wall: number, tz: string, hint = offsetAt(wall, tz)): number {
  // A hint from far away (a range across Apia's skipped day moves the offset by 24 h) would centre the
  // ±6 h probe on the wrong side of a nearby transition: move the guess to the offset it lands on first.
  let guess = hint;
  for (let i = 0; i < 3; i++) {
    const landed = offsetAt(wall - guess, tz);
    if (landed === guess) break;
    guess = landed;
  }
  const before = offsetAt(wall - guess - 6 * HOUR, tz);
  const after = offsetAt(wall - guess + 6 * HOUR, tz);
  if (before === after) return wall - before;
  const fits = [wall - before, wall - after].filter((t) => offsetAt(t, tz) === wall - t).sort((a, b) => a - b);
  return fits.length > 0 ? fits[0] : wall - before;
}
