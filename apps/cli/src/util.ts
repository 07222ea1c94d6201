import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { AccError } from '@acc/client';
import type { GlobalOptions } from './config.js';
import { CliError } from './io.js';

declare const __ACC_CLI_VERSION__: string;
/** Injected by build.mjs from package.json; unbundled runs (tests of modules) say so. */
export const CLI_VERSION = typeof __ACC_CLI_VERSION__ === 'string' ? __ACC_CLI_VERSION__ : '0.0.0-dev';

export const numberArg = (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('must be a number.');
  return n;
};

/** The merged global and command options of the command being run. */
export const globalsOf = (cmd: Command) => {
  const o = cmd.optsWithGlobals<GlobalOptions & Record<string, unknown>>();
  // `--output chart` draws usage series (`acc usage`, which reads it itself); elsewhere it is the default text.
  return (o.output as string) === 'chart' ? { ...o, output: 'text' as const } : o;
};

/**
 * Turns a library error into the command's own error line (e.g. "Error while iterating projects: <e>")
 * with exit code 1, as the original scripts printed them.
 */
export const failWith =
  (prefix: string) =>
  (e: unknown): never => {
    if (e instanceof CliError) throw e;
    if (e instanceof AccError) throw new CliError(`${prefix}: ${e.message}`);
    throw new CliError(`${prefix}: ${e instanceof Error ? e.message : String(e)}`);
  };
