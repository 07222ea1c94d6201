import { Option, type Command } from 'commander';
import { SCHEDULE_PERIODS, type ReportSchedule, type ReportScheduleData } from '@acc/client';
import { createClient } from '../config.js';
import { out } from '../io.js';
import { fields, printList, printOne, type Column } from '../output.js';
import { failWith, globalsOf } from '../util.js';
import { registerDeliveryCommands } from './delivery-commands.js';
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

type Every = (typeof SCHEDULE_PERIODS)[number];

const columns: Column<ReportScheduleData>[] = [
  ...fields<ReportScheduleData>('id', 'name'),
  { name: 'scope', get: (s) => scopeText(s.scope) },
  ...fields<ReportScheduleData>('every', 'tz'),
  { name: 'next_start', get: (s) => s.next_period.start },
  { name: 'next_end', get: (s) => s.next_period.end },
  ...fields<ReportScheduleData>('enabled', 'webhook_url'),
];
const scheduleText = (s: ReportScheduleData) =>
  `${s.name} (ID: ${s.id}) every ${s.every} (${s.tz}) on ${scopeText(s.scope)}: next ${s.next_period.start}..${s.next_period.end}${s.enabled ? '' : ' (disabled)'}`;

const everyOption = () =>
  new Option('--every <period>', 'a report after each full week (Monday 00:00) or calendar month').choices([...SCHEDULE_PERIODS]);

/** `acc schedules …`: report schedules (alerts.md §3) over the `report_schedule_*` contracts. */
export function registerSchedules(program: Command): void {
  const schedules = program
    .command('schedules')
    .description("report schedules: the scope's report (JSON and CSV) to a webhook after each week or month");

  schedules
    .command('list')
    .description('list the report schedules you may read')
    .action(async (_o, cmd: Command) => {
      const g = globalsOf(cmd);
      await printList<ReportSchedule>(createClient(g).schedules, g.output, { columns, text: scheduleText, empty: 'No report schedules.' }).catch(
        failWith('Error while iterating report schedules'),
      );
    });

  schedules
    .command('get')
    .description('show one report schedule, with the period it sends next')
    .argument('<id>', 'report schedule id')
    .action(async (id: string, _o, cmd: Command) => {
      const g = globalsOf(cmd);
      const s = await createClient(g).schedules.get(id).catch(failWith('Report schedule not found'));
      printOne(s, g.output, { columns, text: (x) => JSON.stringify(x) });
    });

  const create = schedules
    .command('create')
    .description('create a report schedule; the webhook secret is printed once')
    .requiredOption('--name <name>', 'what the schedule is called')
    .addOption(everyOption().makeOptionMandatory())
    .option('--tz <zone>', 'IANA time zone whose weeks or months count (default UTC)');
  withScopeOptions(create);
  webhookOptions(create, true).action(async (o: ScopeOptions & WebhookOptions & { name: string; every: Every; tz?: string }, cmd: Command) => {
    const g = globalsOf(cmd);
    const s = await createClient(g)
      .schedules.create({
        name: o.name,
        scope: scopeOf(o),
        every: o.every,
        ...(o.tz !== undefined && { tz: o.tz }),
        // Mandatory option: commander has refused the command without it.
        webhook_url: o.webhookUrl ?? '',
        ...webhookOf({ webhookSecret: o.webhookSecret }),
      })
      .catch(failWith('Error while creating report schedule'));
    if (g.output === 'json') out(JSON.stringify(s, null, 2));
    else out(`${scheduleText(s)}\nWebhook secret (shown only now): ${s.webhook_secret}`);
  });

  const update = schedules
    .command('update')
    .description('change a report schedule (only the options given)')
    .argument('<id>', 'report schedule id')
    .option('--name <name>', 'new name')
    .addOption(everyOption())
    .option('--tz <zone>', 'IANA time zone');
  webhookOptions(update, false);
  enabledOptions(update).action(
    async (id: string, o: WebhookOptions & { name?: string; every?: Every; tz?: string; enable?: boolean; disable?: boolean }, cmd: Command) => {
      const g = globalsOf(cmd);
      const s = await createClient(g)
        .schedules.update(id, {
          ...(o.name !== undefined && { name: o.name }),
          ...(o.every !== undefined && { every: o.every }),
          ...(o.tz !== undefined && { tz: o.tz }),
          ...webhookOf(o),
          ...enabledOf(o),
        })
        .catch(failWith('Error while updating report schedule'));
      printOne(s, g.output, { columns, text: scheduleText });
    },
  );

  schedules
    .command('delete')
    .description('delete a report schedule and its delivery log')
    .argument('<id>', 'report schedule id')
    .action(async (id: string, _o, cmd: Command) => {
      const g = globalsOf(cmd);
      const r = await createClient(g).schedules.delete(id).catch(failWith('Error while deleting report schedule'));
      out(g.output === 'json' ? JSON.stringify(r, null, 2) : r.message);
    });

  registerDeliveryCommands(schedules, 'report schedule', (acc) => acc.schedules);
}
