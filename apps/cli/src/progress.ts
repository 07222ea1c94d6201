import cliProgress from 'cli-progress';
import { progressWanted } from './io.js';

export interface Progress {
  update(value: number, payload?: Record<string, unknown>): void;
  stop(): void;
}

const NONE: Progress = { update: () => {}, stop: () => {} };

/** A 10-cell `#`/`.` bar on stderr, or a no-op when progress is not wanted (off a TTY by default). */
export function progressBar(format: string, total: number, payload: Record<string, unknown> = {}): Progress {
  if (!progressWanted()) return NONE;
  const bar = new cliProgress.SingleBar({
    format,
    barsize: 10,
    barCompleteChar: '#',
    barIncompleteChar: '.',
    hideCursor: false,
    stream: process.stderr,
    // Forced progress through a pipe (ACC_PROGRESS=always) still renders, one line per redraw.
    noTTYOutput: true,
    notTTYSchedule: 1000,
    clearOnComplete: false,
    gracefulExit: true,
  });
  bar.start(total, 0, payload);
  return { update: (value, p) => bar.update(value, p), stop: () => bar.stop() };
}
