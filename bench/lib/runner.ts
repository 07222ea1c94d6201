import type { BenchDatabase, Sql } from './db.js';
import { startServer, type ServerProcess, type SpawnOptions } from './proc.js';

/** Who touches the database in a step: the harness itself, the floor server, or the acc server. */
export type Holder = 'direct' | 'floor' | 'acc';

export interface Step {
  holder: Holder;
  run(): Promise<void>;
}

export interface PhaseMemory {
  /** acc server: resident set once ready (idle baseline) and peak during the phase, MiB. */
  accReadyMb?: number;
  accPeakMb?: number;
  floorReadyMb?: number;
  floorPeakMb?: number;
}

const ORDER: Holder[] = ['direct', 'floor', 'acc'];

export const BARRIER = Symbol('barrier');

/**
 * Runs a phase's steps so that floors and acc are measured close together: on PostgreSQL in the given
 * (interleaved) order, with the servers started once and kept; on PGlite, whose folder only one
 * process may open, grouped by holder (harness, then floor server, then acc server). Each server is
 * started fresh for the phase, so its peak RSS is the phase's.
 */
export class PhaseRunner {
  private sqlHandle?: Sql;
  private accServer?: ServerProcess;
  private floorServer?: ServerProcess;
  readonly memory: PhaseMemory = {};

  constructor(
    private readonly db: BenchDatabase,
    private readonly specs: { acc?: () => SpawnOptions; floor?: () => SpawnOptions },
  ) {}

  sql(): Sql {
    if (!this.sqlHandle) throw new Error('no direct database access in this step');
    return this.sqlHandle;
  }

  acc(): ServerProcess {
    if (!this.accServer) throw new Error('the acc server is not running in this step');
    return this.accServer;
  }

  floor(): ServerProcess {
    if (!this.floorServer) throw new Error('the floor server is not running in this step');
    return this.floorServer;
  }

  /** `BARRIER` separates steps that depend on earlier ones: PGlite groups by holder only between barriers. */
  async run(steps: readonly (Step | typeof BARRIER)[]): Promise<void> {
    const segments: Step[][] = [[]];
    for (const s of steps) {
      if (s === BARRIER) segments.push([]);
      else segments[segments.length - 1].push(s);
    }
    const ordered = segments.flatMap((seg) =>
      this.db.concurrent ? seg : [...seg].sort((a, b) => ORDER.indexOf(a.holder) - ORDER.indexOf(b.holder)),
    );
    try {
      for (const step of ordered) {
        await this.hold(step.holder);
        await step.run();
      }
    } finally {
      await this.stopServers();
    }
  }

  private async hold(holder: Holder): Promise<void> {
    if (!this.db.concurrent) {
      // One opener at a time: drop whatever another holder has open.
      if (holder !== 'direct' && this.sqlHandle) {
        this.sqlHandle = undefined;
        await this.db.release();
      }
      if (holder !== 'acc' && this.accServer) await this.stopAcc();
      if (holder !== 'floor' && this.floorServer) await this.stopFloor();
    }
    if (holder === 'direct') this.sqlHandle ??= await this.db.direct();
    if (holder === 'acc' && !this.accServer) {
      if (!this.specs.acc) throw new Error('phase has no acc server');
      this.accServer = await startServer(this.specs.acc());
      this.memory.accReadyMb = Math.max(this.memory.accReadyMb ?? 0, this.accServer.readyRssMb);
    }
    if (holder === 'floor' && !this.floorServer) {
      if (!this.specs.floor) throw new Error('phase has no floor server');
      this.floorServer = await startServer(this.specs.floor());
      this.memory.floorReadyMb = Math.max(this.memory.floorReadyMb ?? 0, this.floorServer.readyRssMb);
    }
  }

  private async stopAcc(): Promise<void> {
    const s = this.accServer!;
    this.accServer = undefined;
    this.memory.accPeakMb = Math.max(this.memory.accPeakMb ?? 0, s.peakRssMb());
    await s.stop();
  }

  private async stopFloor(): Promise<void> {
    const s = this.floorServer!;
    this.floorServer = undefined;
    this.memory.floorPeakMb = Math.max(this.memory.floorPeakMb ?? 0, s.peakRssMb());
    await s.stop();
  }

  private async stopServers(): Promise<void> {
    if (this.accServer) await this.stopAcc();
    if (this.floorServer) await this.stopFloor();
    if (!this.db.concurrent && this.sqlHandle) {
      this.sqlHandle = undefined;
      await this.db.release();
    }
  }
}
