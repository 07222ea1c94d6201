import { Option, type Command } from 'commander';
import { SCHEDULE_PERIODS, type ReportScheduleData } from '@acc/client';
import { createClient } from '../config.js';
import { fields, printOne, type Column } from '../output.js';
import { failWith, globalsOf } from '../util.js';
import { printCreated, registerOwnerCommands } from './owner-commands.js';
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

  registerOwnerCommands(
    schedules,
    {
      noun: 'report schedule',
      aNoun: 'a report schedule',
      plural: 'report schedules',
      getDescription: 'show one report schedule, with the period it sends next',
      columns,
      text: scheduleText,
      collection: (acc) => acc.schedules,
    },
    (schedules) => {
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
            ...newWebhookOf(o),
          })
          .catch(failWith('Error while creating report schedule'));
        printCreated(cmd, s, scheduleText);
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
    },
  );
}
