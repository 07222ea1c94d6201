import type { DataSource } from 'typeorm';
import { reportProcedures, type AlertScope, type ProcedureContract, type SchedulePeriod } from '@acc/contracts';
import { csvText } from '../../http/csv.js';
import { scopeOf } from '../alerts/alert-rule-wire.js';
import type { ReportService, ScopeReport } from '../reports/report-service.js';
import { enqueueWebhookEvent } from '../webhooks/outbox.js';
import { dueAt, periodEnd } from './periods.js';
import { ReportScheduleRepository, type ReportScheduleRecord } from './schedule-repository.js';

/** The report endpoint each scope shape answers from: its CSV form is the event's `csv`. */
const reportContractOf = (scope: AlertScope): ProcedureContract => {
  if ('installation_id' in scope) return reportProcedures.installation;
  if ('project_id' in scope && 'provider_id' in scope) return reportProcedures.provider;
  if ('project_id' in scope) return reportProcedures.project;
  return reportProcedures.genericProvider;
};

/** How many ended periods one run sends per schedule at most (a server that was down catches up over a few runs). */
const MAX_PERIODS_PER_RUN = 12;

/**
 * Sends each schedule's `report.generated` once per ended period (alerts.md §3). The report is built
 * first, then one transaction moves the schedule's last sent period and records the event: a second run
 * (or instance) that built the same report finds the period moved and records nothing. The clock is
 * injected so tests step over period ends without waiting.
 */
export class ScheduleRunner {
  /** Told after a run that committed events: the webhook dispatcher's nudge (bound where the jobs are registered). */
  onEvents: () => void = () => {};

  constructor(
    private readonly db: DataSource,
    private readonly reports: ReportService,
    private readonly now: () => number = Date.now,
  ) {}

  /** One sweep over the enabled schedules; returns the ids of the events recorded. */
  async run(signal?: AbortSignal): Promise<string[]> {
    const sent: string[] = [];
    const failures: unknown[] = [];
    for (const schedule of await new ReportScheduleRepository(this.db.manager).enabled()) {
      if (signal?.aborted) break;
      try {
        sent.push(...(await this.catchUp(schedule, signal)));
      } catch (err) {
        // One schedule's failure (its scope just deleted, say) must not hold back the others.
        failures.push(err);
      }
    }
    if (sent.length > 0) this.onEvents();
    if (failures.length > 0) throw new AggregateError(failures, `${failures.length} report schedule(s) failed`);
    return sent;
  }

  private async catchUp(schedule: ReportScheduleRecord, signal?: AbortSignal): Promise<string[]> {
    const every = schedule.every as SchedulePeriod;
    const sent: string[] = [];
    let start = schedule.lastPeriodEnd;
    for (let i = 0; i < MAX_PERIODS_PER_RUN && !signal?.aborted; i++) {
      const end = periodEnd(start, every);
      if (this.now() < dueAt(end, schedule.tz)) break;
      const id = await this.send(schedule, start, end);
      if (id === undefined) break;
      sent.push(id);
      start = end;
    }
    return sent;
  }

  private async send(schedule: ReportScheduleRecord, start: string, end: string): Promise<string | undefined> {
    const scope = scopeOf(schedule);
    const contract = reportContractOf(scope);
    const report: ScopeReport = await this.reports.ofScope(scope, { start, end });
    const csv = contract.csv ? csvText(contract.csv.table(report, { ...scope, start, end })) : '';
    return this.db.transaction(async (m) => {
      if (!(await new ReportScheduleRepository(m).claimPeriod(schedule.id, start, end))) return undefined;
      return enqueueWebhookEvent(m, {
        scheduleId: schedule.id,
        type: 'report.generated',
        data: { schedule_id: schedule.id, schedule_name: schedule.name, start, end, ...report, csv },
        at: new Date(this.now()),
      });
    });
  }
}
