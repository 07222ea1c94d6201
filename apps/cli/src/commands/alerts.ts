import { Option, type Command } from 'commander';
import { ALERT_KINDS, ALERT_WINDOWS, type AlertRule, type AlertRuleData } from '@acc/client';
import { createClient } from '../config.js';
import { out } from '../io.js';
import { fields, printList, printOne, type Column } from '../output.js';
import { failWith, globalsOf, numberArg } from '../util.js';
import { registerDeliveryCommands } from './delivery-commands.js';
import { HELP } from './metrics.js';
import {
  enabledOf,
  enabledOptions,
  scopeOf,
  scopeText,
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

  alerts
    .command('list')
    .description('list the alert rules you may read')
    .action(async (_o, cmd: Command) => {
      const g = globalsOf(cmd);
      const acc = createClient(g);
      await printList<AlertRule>(acc.alerts, g.output, { columns, text: ruleText, empty: 'No alert rules.' }).catch(
        failWith('Error while iterating alert rules'),
      );
    });

  alerts
    .command('get')
    .description('show one alert rule, with its state and last measured value')
    .argument('<id>', 'alert rule id')
    .action(async (id: string, _o, cmd: Command) => {
      const g = globalsOf(cmd);
      const r = await createClient(g).alerts.get(id).catch(failWith('Alert rule not found'));
      printOne(r, g.output, { columns, text: (x) => JSON.stringify(x) });
    });

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
          // Mandatory option: commander has refused the command without it.
          webhook_url: o.webhookUrl ?? '',
          ...webhookOf({ webhookSecret: o.webhookSecret }),
        })
        .catch(failWith('Error while creating alert rule'));
      if (g.output === 'json') out(JSON.stringify(r, null, 2));
      else out(`${ruleText(r)}\nWebhook secret (shown only now): ${r.webhook_secret}`);
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

  alerts
    .command('delete')
    .description('delete an alert rule and its delivery log')
    .argument('<id>', 'alert rule id')
    .action(async (id: string, _o, cmd: Command) => {
      const g = globalsOf(cmd);
      const r = await createClient(g).alerts.delete(id).catch(failWith('Error while deleting alert rule'));
      out(g.output === 'json' ? JSON.stringify(r, null, 2) : r.message);
    });

  registerDeliveryCommands(alerts, 'alert rule', (acc) => acc.alerts);
}
