import type { Command } from 'commander';
import type { Metric, MetricCollection } from '@acc/client';
import { createClient } from '../config.js';
import { UsageError } from '../io.js';
import { printList, printOne, type Column } from '../output.js';
import { failWith, globalsOf, numberArg } from '../util.js';

export const metricColumns: Column<Metric>[] = [
  { name: 'id', get: (m) => m.id },
  { name: 'metric_definition_id', get: (m) => m.metric_definition?.metric_definition_id ?? m.metric_definition_id },
  { name: 'metric_name', get: (m) => m.metric_definition?.metric_name },
  { name: 'metric_type', get: (m) => m.metric_definition?.metric_type },
  { name: 'value', get: (m) => m.value },
  { name: 'time_period_start', get: (m) => m.time_period_start },
  { name: 'time_period_end', get: (m) => m.time_period_end },
  { name: 'group_id', get: (m) => m.group_id },
  { name: 'user_id', get: (m) => m.user_id },
];

export const HELP = {
  installation: 'ID of installation registered in Argo Accounting Service',
  project: 'ID of project registered in Argo Accounting Service',
  provider: 'ID of provider registered in Argo Accounting Service',
  metricdefid: 'Reference Id from the metric definition.',
  tstart: 'Timestamp of the starting date time (Zulu timestamp)',
  tend: 'Timestamp of the ending date time (Zulu timestamp)',
  value: 'Value of the metric (a number)',
  gid: 'Group ID associated with the metric',
  uid: 'User ID associated with the metric',
} as const;

interface ListOptions {
  installation?: string;
  project?: string;
  provider?: string;
  metricdefid?: string;
  start?: string;
  end?: string;
}

export function registerMetrics(program: Command): void {
  const metrics = program.command('metrics').description('metrics of installations, projects and providers');

  metrics
    .command('list')
    .description(
      'list the metrics of an installation (get_installation_metrics.py), a project (get_project_metrics.py) or a provider within a project (get_provider_metrics.py)',
    )
    .option('--installation <id>', HELP.installation)
    .option('--project <id>', HELP.project)
    .option('--provider <id>', HELP.provider)
    .option('--metricdefid <id>', HELP.metricdefid)
    .option('--start <yyyy-MM-dd>', 'only metrics from this date on')
    .option('--end <yyyy-MM-dd>', 'only metrics up to this date')
    .action(async (o: ListOptions, cmd: Command) => {
      const byInstallation = o.installation !== undefined && o.project === undefined && o.provider === undefined;
      const byProject = o.project !== undefined && o.installation === undefined;
      if (!byInstallation && !byProject) {
        throw new UsageError('metrics list needs exactly one of --installation <id>, --project <id>, or --project <id> with --provider <id>');
      }
      const g = globalsOf(cmd);
      const acc = createClient(g);
      let collection: MetricCollection;
      let empty: string;
      let failure: string;
      if (byInstallation) {
        collection = acc.installation(o.installation!).metrics;
        empty = 'No metrics found for requested installation';
        failure = 'Installation not found';
      } else if (o.provider === undefined) {
        collection = acc.project(o.project!).metrics;
        empty = 'No metrics found for requested project';
        failure = 'Project not found';
      } else {
        collection = acc.project(o.project!).providers.get(o.provider).metrics;
        empty = 'No metrics found for requested provider / project combination';
        failure = 'Error while iterating providers';
      }
      const filtered = collection.filter({ metricDefinitionId: o.metricdefid, start: o.start, end: o.end });
      await printList(filtered, g.output, {
        columns: metricColumns,
        text: (m) => `${m.value} ${m.metric_definition?.metric_type ?? ''}`.trimEnd(),
        empty,
      }).catch(failWith(failure));
    });

  metrics
    .command('push')
    .description("assign a metric to an installation (add_installation_metric.py); prints the stored metric's id")
    .requiredOption('--installation <id>', HELP.installation)
    .requiredOption('--metricdefid <id>', HELP.metricdefid)
    .requiredOption('--tstart <ts>', HELP.tstart)
    .requiredOption('--tend <ts>', HELP.tend)
    .requiredOption('--value <v>', HELP.value, numberArg)
    .option('--gid <g>', HELP.gid)
    .option('--uid <u>', HELP.uid)
    .option('--idempotency-key <k>', 'makes the push safe to retry: the server stores it once per key (default: a random key)')
    .action(
      async (
        o: {
          installation: string;
          metricdefid: string;
          tstart: string;
          tend: string;
          value: number;
          gid?: string;
          uid?: string;
          idempotencyKey?: string;
        },
        cmd: Command,
      ) => {
        const g = globalsOf(cmd);
        const acc = createClient(g);
        const created = await acc
          .installation(o.installation)
          .metrics.add(
            {
              metric_definition_id: o.metricdefid,
              time_period_start: o.tstart,
              time_period_end: o.tend,
              value: o.value,
              ...(o.gid !== undefined && { group_id: o.gid }),
              ...(o.uid !== undefined && { user_id: o.uid }),
            },
            { idempotencyKey: o.idempotencyKey },
          )
          .catch(failWith('Error while assigning metric to installation'));
        // The id is what a script needs next (to get, update or delete the metric).
        printOne(created, g.output, { columns: metricColumns, text: (m) => m.id });
      },
    );
}
