import type { Command } from 'commander';
import type { MetricDefinition } from '@acc/client';
import { createClient } from '../config.js';
import { fields, printList, printOne } from '../output.js';
import { failWith, globalsOf } from '../util.js';

export const definitionColumns = fields<MetricDefinition>(
  'metric_definition_id',
  'metric_name',
  'metric_description',
  'unit_type',
  'metric_type',
  'creator_id',
);
const definitionText = (d: MetricDefinition) => `${d.metric_name} (ID: ${d.metric_definition_id})`;

export function registerMetricDefinitions(program: Command): void {
  const defs = program.command('metric-definitions').description('metric definitions: what a metric measures, in which unit');

  defs
    .command('list')
    .description('list metric definitions')
    .action(async (_o, cmd: Command) => {
      const g = globalsOf(cmd);
      const acc = createClient(g);
      await printList(acc.metricDefinitions, g.output, { columns: definitionColumns, text: definitionText }).catch(
        failWith('Error while iterating metric definitions'),
      );
    });

  defs
    .command('get')
    .description('show one metric definition')
    .argument('<id>', 'metric definition id')
    .action(async (id: string, _o, cmd: Command) => {
      const g = globalsOf(cmd);
      const acc = createClient(g);
      const d = await acc.metricDefinitions.get(id).catch(failWith('Metric definition not found'));
      printOne(d, g.output, { columns: definitionColumns, text: (x) => JSON.stringify(x) });
    });

  defs
    .command('create')
    .description('create a metric definition')
    .requiredOption('--name <name>', 'metric name, e.g. cpu_hours')
    .requiredOption('--unit-type <unit>', 'an existing unit type, e.g. "CPU Time" (see `acc unit-types list`)')
    .requiredOption('--metric-type <type>', 'an existing metric type, e.g. aggregated (see `acc metric-types list`)')
    .option('--description <text>', 'what the metric measures')
    .action(async (o: { name: string; unitType: string; metricType: string; description?: string }, cmd: Command) => {
      const g = globalsOf(cmd);
      const acc = createClient(g);
      const d = await acc.metricDefinitions
        .create({
          metric_name: o.name,
          unit_type: o.unitType,
          metric_type: o.metricType,
          ...(o.description !== undefined && { metric_description: o.description }),
        })
        .catch(failWith('Error while creating metric definition'));
      printOne(d, g.output, { columns: definitionColumns, text: definitionText });
    });
}
