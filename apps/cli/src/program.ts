import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { PAGE_SIZE } from '@acc/client';
import { registerAdmin } from './commands/admin.js';
import { registerAlerts } from './commands/alerts.js';
import { registerApel } from './commands/apel.js';
import { registerCapacities } from './commands/capacities.js';
import { registerCompletion } from './commands/completion.js';
import { registerImport } from './commands/import.js';
import { registerListings } from './commands/listings.js';
import { registerMetricDefinitions } from './commands/metric-definitions.js';
import { registerMetrics } from './commands/metrics.js';
import { registerReport } from './commands/report.js';
import { registerSchedules } from './commands/schedules.js';
import { registerSearch } from './commands/search.js';
import { registerUsage } from './commands/usage.js';
import { registerVersion } from './commands/version.js';
import { CliError, err, out } from './io.js';
import { FORMATS } from './output.js';
import { CLI_VERSION } from './util.js';

const integer = (min: number, max: number) => (value: string) => {
  if (!/^\d+$/.test(value.trim()) || Number(value) < min || Number(value) > max) {
    throw new InvalidArgumentError(`must be an integer between ${min} and ${max}.`);
  }
  return Number(value);
};

const seconds = (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number of seconds.');
  return n;
};

export function createProgram(): Command {
  const program = new Command('acc');
  // Settings made before `.command()` are inherited by every subcommand.
  program
    .description('Command line client of the ARGO Accounting Service')
    .exitOverride()
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({ outputError: (text, write) => write(text) })
    .option('--host <fqdn>', 'FQDN of Argo Accounting Service (or ACC_URL, ~/.config/acc/config.json; no default)')
    .option('--url <url>', 'full base URL of the Accounting Service, instead of --host (or ACC_URL)')
    .option('--token <jwt>', 'JWT authentication token (or ACC_TOKEN, ACC_TOKEN_FILE, ~/.config/acc/config.json)')
    .option('-f', 'treat the JWT authentication token argument as a path to a file holding the token')
    .option('--timeout <s>', 'timeout of each request attempt, in seconds (default: 30)', seconds)
    .option('--retries <n>', 'retries after a failed attempt (default: 2)', integer(0, 10))
    .option(
      '--page-size <n>',
      `items per page requested from the server (1..${PAGE_SIZE.max}; search: 1..${PAGE_SIZE.maxSearch})`,
      integer(1, PAGE_SIZE.maxSearch),
    )
    .addOption(new Option('--output <format>', 'output format (chart: acc usage only)').choices([...FORMATS, 'chart']).default('text'))
    .addHelpText('after', `\nacc --version (or -V) prints the version of this CLI; \`acc version\` also asks the server.`);

  registerListings(program);
  registerMetrics(program);
  registerImport(program);
  registerMetricDefinitions(program);
  registerCapacities(program);
  registerReport(program);
  registerUsage(program);
  registerSearch(program);
  registerAlerts(program);
  registerSchedules(program);
  registerApel(program);
  registerVersion(program);
  registerAdmin(program);
  registerCompletion(program);
  return program;
}

/** Runs the CLI and returns the exit code: 0 success, 1 runtime error, 2 usage error. */
export async function run(argv: string[]): Promise<number> {
  // Only as the first word: a program-wide --version option would also swallow `apel send --version <v>`.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    out(CLI_VERSION);
    return 0;
  }
  const program = createProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof CliError) {
      err(e.message);
      return e.exitCode;
    }
    err(`error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
