/**
 * The rollup levels and how a range of `time_period_start` instants is covered by them. Levels mirror
 * `metric_rollup_bucket` in the migration (packages/db, MetricRollups): UTC-aligned 15 minutes, hour, day
 * and month. A range [lo, hi) is read with the coarsest buckets that fit wholly inside it, the finer ones
 * at its ends, and raw metrics only for the pieces finer than 15 minutes (an instant that is not on a
 * quarter hour); every IANA offset is a multiple of 15 minutes, so time-zone windows need no raw rows.
 */

/** 0 stands for the raw metrics. */
export type Level = 0 | 1 | 2 | 3 | 4;
export type RollupLevel = Exclude<Level, 0>;

const QUARTER_MS = 15 * 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const floorTo = (t: number, step: number) => Math.floor(t / step) * step;
const ceilTo = (t: number, step: number) => Math.ceil(t / step) * step;

const monthFloor = (t: number): number => {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};
const monthCeil = (t: number): number => {
  const f = monthFloor(t);
  return f === t ? t : nextMonth(f);
};
const nextMonth = (t: number): number => {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
};

interface LevelShape {
  level: RollupLevel;
  floor(t: number): number;
  ceil(t: number): number;
  end(start: number): number;
}

/** Coarsest first. */
const LEVELS: readonly LevelShape[] = [
  { level: 4, floor: monthFloor, ceil: monthCeil, end: nextMonth },
  { level: 3, floor: (t) => floorTo(t, DAY_MS), ceil: (t) => ceilTo(t, DAY_MS), end: (t) => t + DAY_MS },
  { level: 2, floor: (t) => floorTo(t, HOUR_MS), ceil: (t) => ceilTo(t, HOUR_MS), end: (t) => t + HOUR_MS },
  { level: 1, floor: (t) => floorTo(t, QUARTER_MS), ceil: (t) => ceilTo(t, QUARTER_MS), end: (t) => t + QUARTER_MS },
];

/** Where the bucket of `level` starting at `start` ends. */
export function bucketEnd(level: RollupLevel, start: Date): Date {
  return new Date(LEVELS[4 - level].end(start.getTime()));
}

/** The level just finer than `level` (0: the raw metrics). */
export const finer = (level: RollupLevel): Level => (level - 1) as Level;

/** Part of a range: `level` buckets whose start lies in [lo, hi), or raw metrics (level 0) starting in [lo, hi). */
export interface Piece {
  level: Level;
  lo: Date;
  hi: Date;
}

/** Covers [lo, hi) with the coarsest aligned buckets, from `fromLevel` down (4 = month). */
export function cover(lo: Date, hi: Date, fromLevel: RollupLevel = 4): Piece[] {
  const out: Piece[] = [];
  const walk = (a: number, b: number, i: number) => {
    if (a >= b) return;
    if (i === LEVELS.length) {
      out.push({ level: 0, lo: new Date(a), hi: new Date(b) });
      return;
    }
    const shape = LEVELS[i];
    const c = shape.ceil(a);
    const d = shape.floor(b);
    if (c < d) {
      walk(a, c, i + 1);
      out.push({ level: shape.level, lo: new Date(c), hi: new Date(d) });
      walk(d, b, i + 1);
    } else walk(a, b, i + 1);
  };
  walk(lo.getTime(), hi.getTime(), 4 - fromLevel);
  return out;
}
