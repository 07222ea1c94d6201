import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface LagMonitor {
  /** The event-loop delay seen over the last sample, in milliseconds. */
  lagMs(): number;
  /** True while that delay is above the threshold: new work should be refused (503) until it recovers. */
  overloaded(): boolean;
  stop(): void;
}

/**
 * Watches the event loop so the server can shed load instead of queueing it: a loop that is already
 * late answers every queued request later still. A sampling timer reads the delay histogram (finer
 * timers recorded by `monitorEventLoopDelay`) and resets it; its own lateness counts too, because after
 * one long block the timer phase runs before the poll phase, so the lag is known before the requests
 * that queued up behind the block are dispatched. `maxLagMs` 0 disables shedding.
 */
export function createLagMonitor(options: { maxLagMs: number; sampleIntervalMs?: number }): LagMonitor {
  const interval = options.sampleIntervalMs ?? 100;
  if (options.maxLagMs <= 0) return { lagMs: () => 0, overloaded: () => false, stop: () => {} };
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let lag = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const late = Math.max(0, now - last - interval);
    last = now;
    lag = Math.max(late, histogram.max / 1e6 - 10);
    histogram.reset();
  }, interval);
  // Monitoring must never keep a process alive that has nothing else to do.
  timer.unref();
  return {
    lagMs: () => lag,
    overloaded: () => lag > options.maxLagMs,
    stop() {
      clearInterval(timer);
      histogram.disable();
    },
  };
}
