import type { Command } from 'commander';
import { createClient } from '../config.js';
import { CliError, out } from '../io.js';
import { formatTable } from '../output.js';
import { failWith, globalsOf } from '../util.js';

const LEVELS: Record<number, string> = { 1: '15min', 2: 'hour', 3: 'day', 4: 'month' };

/** `acc admin …`: system-admin maintenance. */
export function registerAdmin(program: Command): void {
  const admin = program.command('admin').description('system-admin maintenance (system admins only)');
  const rollups = admin.command('rollups').description('the usage rollups that reports and usage read');
  rollups
    .command('check')
    .description('compare the rollups with the raw metrics (exit code 1 when they differ); --rebuild rebuilds them')
    .option('--rebuild', 'rebuild the rollups from the raw metrics (writers wait while it runs)')
    .action(async (o: { rebuild?: boolean }, cmd: Command) => {
      const g = globalsOf(cmd);
      const acc = createClient(g);
      if (o.rebuild) {
        const r = await acc.admin.rebuildRollups().catch(failWith('Error while rebuilding the rollups'));
        if (g.output === 'json') out(JSON.stringify(r, null, 2));
        else out(`Rebuilt the rollups: ${r.rows} rows (${r.differences_before} differences before).`);
        return;
      }
      const c = await acc.admin.checkRollups().catch(failWith('Error while checking the rollups'));
      if (g.output === 'json') out(JSON.stringify(c, null, 2));
      else {
        out(`${c.rows} rollup rows; ${c.differences} differences from the raw metrics.`);
        if (c.sample.length > 0)
          out(
            formatTable(
              ['SIDE', 'INSTALLATION', 'DEFINITION', 'LEVEL', 'BUCKET', 'GROUP', 'USER'],
              c.sample.map((d) => [
                d.side,
                d.installation_id,
                d.metric_definition_id,
                LEVELS[d.level] ?? String(d.level),
                d.bucket_start,
                d.group_id ?? '-',
                d.user_id ?? '-',
              ]),
            ),
          );
      }
      if (c.differences > 0) throw new CliError('The rollups differ from the raw metrics; `acc admin rollups check --rebuild` rebuilds them.');
    });
}
