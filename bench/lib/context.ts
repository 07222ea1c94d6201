import type { Bundles } from './build.js';
import type { BenchDatabase, Backend } from './db.js';
import type { InstallationFixture } from './fixtures.js';
import type { SpawnOptions } from './proc.js';
import type { PhaseMemory } from './runner.js';

export type Scale = 'small' | 'full';

export interface ScaleConfig {
  scale: Scale;
  /** Phase 1: autocannon seconds per measurement, warm-up seconds before each. */
  singleSeconds: number;
  singleWarmupSeconds: number;
  concurrencies: number[];
  /** Phase 2: metrics per request and measured rounds (one warm-up round more). */
  bulkSize: number;
  bulkRounds: number;
  /** Phase 3: report sizes (metrics) and timed runs per size (one warm-up more). */
  reportSizes: number[];
  reportRuns: number;
  /** Phase 4: records per message, messages (their product is the summary's size), summary runs. */
  apelRecords: number;
  apelMessages: number;
  summaryRuns: number;
  /** Phase 5: metrics in the usage project (10 installations) and timed runs per size (one warm-up more). */
  usageSizes: number[];
  usageRuns: number;
}

export const SCALES: Record<Scale, ScaleConfig> = {
  small: {
    scale: 'small',
    singleSeconds: 1,
    singleWarmupSeconds: 0,
    concurrencies: [1, 16, 64],
    bulkSize: 1_000,
    bulkRounds: 2,
    reportSizes: [1_000, 10_000],
    reportRuns: 3,
    apelRecords: 1_000,
    apelMessages: 2,
    summaryRuns: 3,
    usageSizes: [10_000],
    usageRuns: 3,
  },
  full: {
    scale: 'full',
    singleSeconds: 10,
    singleWarmupSeconds: 2,
    concurrencies: [1, 16, 64],
    bulkSize: 10_000,
    bulkRounds: 10,
    reportSizes: [10_000, 100_000, 1_000_000, 10_000_000],
    reportRuns: 7,
    apelRecords: 10_000,
    apelMessages: 10,
    summaryRuns: 7,
    usageSizes: [1_000_000, 10_000_000],
    usageRuns: 7,
  },
};

/** One line of the results table: a figure of acc beside its floor, measured in the same run. */
export interface Row {
  backend: Backend;
  phase: string;
  figure: string;
  unit: string;
  /** null: the endpoint is not available (or the figure could not be measured). */
  acc: number | null;
  floor: number | null;
  floorName: string;
  /** acc ÷ floor. */
  ratio: number | null;
  /** Human-readable target, e.g. "≥ 0.50 × floor"; absent when the figure has none. */
  target?: string;
  /** PASS/MISS against the target; absent without a target or when not measurable. */
  pass?: boolean;
  note?: string;
}

export interface PhaseOutcome {
  status: 'ok' | 'not available' | 'failed';
  note?: string;
  memory?: PhaseMemory;
  raw?: unknown;
}

export interface Fixtures {
  definitions: string[];
  /** The installation pushes go to (phases 1 and 2). */
  bench: InstallationFixture;
}

export interface PhaseContext {
  db: BenchDatabase;
  /** The bundled server entries (build.ts). */
  bundles: Bundles;
  cfg: ScaleConfig;
  fixtures: Fixtures;
  /** How to start the acc server on this database (extra ACC_* variables for TLS and APEL). */
  accSpec(extraEnv?: Record<string, string>, tls?: SpawnOptions['tls']): SpawnOptions;
  rows: Row[];
  log(message: string): void;
}

export const ratioOf = (acc: number | null, floor: number | null): number | null =>
  acc === null || floor === null || !Number.isFinite(acc) || !Number.isFinite(floor) || floor === 0 ? null : acc / floor;
