/** All terminal output goes through here, so stdout carries data and stderr carries errors and progress. */
export const out = (line: string) => void process.stdout.write(`${line}\n`);
export const err = (line: string) => void process.stderr.write(`${line}\n`);

/**
 * Whether to draw progress bars on stderr: on a TTY by default; ACC_PROGRESS=always|never overrides,
 * e.g. to keep a CI log clean or to see the bar through a pipe.
 */
export function progressWanted(): boolean {
  const mode = (process.env.ACC_PROGRESS ?? 'auto').toLowerCase();
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  return process.stderr.isTTY === true;
}

/** Runtime failure: the message goes to stderr as it is and the exit code is 1. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Misuse of the command line: exit code 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(`error: ${message}`, 2);
  }
}
