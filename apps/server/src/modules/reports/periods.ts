/** A capacity in force from `registeredOn` until the next one of the same (installation, definition). */
export interface CapacityPoint {
  registeredOn: Date;
  /** Exact decimal text. */
  value: string;
}

export interface Period {
  from: Date;
  to: Date;
  /** null before the first capacity, or when there is none. */
  capacity: string | null;
}

/**
 * Splits the report window [S, E] by capacity changes, exactly as §5 prescribes (including its quirks:
 * zero-length periods are kept, and a capacity registered after E still yields the leading
 * capacity-less period). `caps` must be sorted by `registeredOn` ascending.
 */
export function splitPeriods(S: Date, E: Date, caps: readonly CapacityPoint[]): Period[] {
  if (caps.length === 0) return [{ from: S, to: E, capacity: null }];
  const periods: Period[] = [];
  let prev = S;
  if (S < caps[0].registeredOn) {
    const to = caps[0].registeredOn < E ? caps[0].registeredOn : E;
    periods.push({ from: S, to, capacity: null });
    prev = to;
  }
  const last = caps.length - 1;
  for (let i = 0; i <= last; i++) {
    if (i < last && E < caps[i + 1].registeredOn) {
      periods.push({ from: prev, to: E, capacity: caps[i].value });
      break;
    }
    const next = i < last ? caps[i + 1].registeredOn : E;
    if (next <= prev) continue;
    periods.push({ from: prev, to: next, capacity: caps[i].value });
    prev = next;
  }
  return periods;
}
