import { Option, type Command } from 'commander';
import { ALERT_KINDS, ALERT_WINDOWS, type AlertRuleData } from '@acc/client';
import { createClient } from '../config.js';
import { fields, printOne, type Column } from '../output.js';
import { failWith, globalsOf, numberArg } from '../util.js';
import { printCreated, registerOwnerCommands } from './owner-commands.js';
import { HELP } from './metrics.js';
import {
  enabledOf,
  enabledOptions,
  scopeOf,
  scopeText,
  newWebhookOf,
  webhookOf,
  webhookOptions,
  withScopeOptions,
  type ScopeOptions,
  type WebhookOptions,
} from './webhook-options.js';

const columns: Column<AlertRuleData>[] = [
  ...fields<AlertRuleData>('id', 'name', 'kind'),
  { name: 'scope', get: (r) => scopeText(r.scope) },
  ...fields<AlertRuleData>(
    'metric_definition_id',
    'threshold_percent',
    'threshold_value',
    'window',
    'tz',
    'silence_minutes',
    'state',
    'last_value',
    'enabled',
    'webhook_url',
  ),
];
const ruleText = (r: AlertRuleData) => `${r.name} (ID: ${r.id}) ${r.kind} on ${scopeText(r.scope)}: ${r.state}${r.enabled ? '' : ' (disabled)'}`;

interface Thresholds {
  thresholdPercent?: number;
  thresholdValue?: number;
  window?: string;
  tz?: string;
  silenceMinutes?: number;
}

const thresholdOptions = (cmd: Command) =>
  cmd
    .option('--threshold-percent <n>', 'capacity: percent of the capacity in force (1..1000)', numberArg)
    .option('--threshold-value <v>', 'usage: the sum in the window that fires', numberArg)
    // Not `.choices`: completion keys value lists by flag, and `acc usage --window` takes more windows.
    .option('--window <window>', `usage: the calendar window (${ALERT_WINDOWS.join(', ')})`)
    .option('--tz <zone>', 'usage: IANA time zone of the window (default UTC)')
    .option('--silence-minutes <n>', 'silence: minutes without a push (1..525600)', numberArg);

const thresholdsOf = (o: Thresholds) => ({
  ...(o.thresholdPercent !== undefined && { threshold_percent: o.thresholdPercent }),
  ...(o.thresholdValue !== undefined && { threshold_value: o.thresholdValue }),
  ...(o.window !== undefined && { window: o.window as (typeof ALERT_WINDOWS)[number] }),
  ...(o.tz !== undefined && { tz: o.tz }),
  ...(o.silenceMinutes !== undefined && { silence_minutes: o.silenceMinutes }),
});

/** `acc alerts …`: alert rules (alerts.md §1) over the `alert_rule_*` contracts. */
export function registerAlerts(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('alert rules: webhooks when usage nears capacity or a threshold, or an installation falls silent');

  registerOwnerCommands(
    alerts,
    {
      noun: 'alert rule',
      aNoun: 'an alert rule',
      plural: 'alert rules',
      getDescription: 'show one alert rule, with its state and last measured value',
      columns,
      text: ruleText,
      collection: (acc) => acc.alerts,
    },
    (alerts) => {
      const create = alerts
        .command('create')
        .description('create an alert rule; the webhook secret is printed once')
        .requiredOption('--name <name>', 'what the rule is called')
        .addOption(new Option('--kind <kind>', 'what the rule watches').choices([...ALERT_KINDS]).makeOptionMandatory())
        .option('--metricdefid <id>', `${HELP.metricdefid} (capacity and usage rules)`);
      withScopeOptions(create);
      thresholdOptions(create);
      webhookOptions(create, true).action(
        async (
          o: ScopeOptions & Thresholds & WebhookOptions & { name: string; kind: (typeof ALERT_KINDS)[number]; metricdefid?: string },
          cmd: Command,
        ) => {
          const g = globalsOf(cmd);
          const r = await createClient(g)
            .alerts.create({
              name: o.name,
              scope: scopeOf(o),
              kind: o.kind,
              ...(o.metricdefid !== undefined && { metric_definition_id: o.metricdefid }),
              ...thresholdsOf(o),
              ...newWebhookOf(o),
            })
            .catch(failWith('Error while creating alert rule'));
          printCreated(cmd, r, ruleText);
        },
      );

      const update = alerts
        .command('update')
        .description('change an alert rule (only the options given)')
        .argument('<id>', 'alert rule id')
        .option('--name <name>', 'new name');
      thresholdOptions(update);
      webhookOptions(update, false);
      enabledOptions(update).action(
        async (id: string, o: Thresholds & WebhookOptions & { name?: string; enable?: boolean; disable?: boolean }, cmd: Command) => {
          const g = globalsOf(cmd);
          const r = await createClient(g)
            .alerts.update(id, { ...(o.name !== undefined && { name: o.name }), ...thresholdsOf(o), ...webhookOf(o), ...enabledOf(o) })
            .catch(failWith('Error while updating alert rule'));
          printOne(r, g.output, { columns, text: ruleText });
        },
      );
    },
  );
}
