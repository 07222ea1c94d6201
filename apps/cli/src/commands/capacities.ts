import type { Command } from 'commander';
import type { Capacity } from '@acc/client';
import { createClient } from '../config.js';
import { out } from '../io.js';
import { fields, printList } from '../output.js';
import { failWith, globalsOf, numberArg } from '../util.js';
import { HELP } from './metrics.js';

export function registerCapacities(program: Command): void {
  const caps = program.command('capacities').description('capacities of installations, per metric definition');

  caps
    .command('list')
    .description('list the capacities of an installation')
    .requiredOption('--installation <id>', HELP.installation)
    .action(async (o: { installation: string }, cmd: Command) => {
      const g = globalsOf(cmd);
      const acc = createClient(g);
      await printList(acc.installation(o.installation).capacities, g.output, {
        columns: fields<Capacity>('id', 'installation_id', 'metric_definition_id', 'value', 'registered_on'),
        text: (c) => `${c.value} ${c.metric_definition_id} (registered on ${c.registered_on})`,
      }).catch(failWith('Error while iterating capacities'));
    });

  caps
    .command('add')
    .description('register a capacity; it applies from --registered-on until the next one')
    .requiredOption('--installation <id>', HELP.installation)
    .requiredOption('--metricdefid <id>', HELP.metricdefid)
    .requiredOption('--value <v>', 'capacity value (a number)', numberArg)
    .option('--registered-on <date>', 'yyyy-MM-dd or an ISO-8601 instant (default: now)')
    .action(async (o: { installation: string; metricdefid: string; value: number; registeredOn?: string }, cmd: Command) => {
      const g = globalsOf(cmd);
      const acc = createClient(g);
      const res = await acc
        .installation(o.installation)
        .capacities.add({
          metric_definition_id: o.metricdefid,
          value: o.value,
          ...(o.registeredOn !== undefined && { registered_on: o.registeredOn }),
        })
        .catch(failWith('Error while adding capacity'));
      out(g.output === 'json' ? JSON.stringify(res, null, 2) : res.message);
    });
}
