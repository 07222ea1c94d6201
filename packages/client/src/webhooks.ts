import type { ContractInput, ContractName, ContractOutput } from '@acc/contracts';
import { Collection } from './collection.js';
import { attach, type Item } from './items.js';
import type { MessageBody, RowOf } from './wire.js';

/** What these views need of the client: calling a contract by name. */
interface ContractCaller {
  call<N extends ContractName>(name: N, input: ContractInput<N>): Promise<ContractOutput<N>>;
}

export type AlertRuleData = RowOf<'alert_rule_list'>;
export type AlertRule = Item<AlertRuleData, object>;
export type AlertRuleInput = ContractInput<'alert_rule_add'>;
export type AlertRuleCreated = ContractOutput<'alert_rule_add'>;
export type ReportScheduleData = RowOf<'report_schedule_list'>;
export type ReportSchedule = Item<ReportScheduleData, object>;
export type ReportScheduleInput = ContractInput<'report_schedule_add'>;
export type ReportScheduleCreated = ContractOutput<'report_schedule_add'>;

/** Alert rules (`/alert-rules`, alerts.md §1): the rules the caller may read, lazily paged. */
export class AlertRules extends Collection<AlertRule, AlertRuleData> {
  readonly #client: ContractCaller;

  constructor(client: ContractCaller, pageSize: number | undefined) {
    super({
      pageSize,
      wrap: (raw) => attach(raw, {}),
      fetchPage: (page, size) => client.call('alert_rule_list', { page, size }),
      entry: (id) => client.call('alert_rule_entry', { id }).then((raw) => attach(raw, {})),
    });
    this.#client = client;
  }

  /** The answer carries `webhook_secret`: the only time the server shows it. */
  create(input: AlertRuleInput): Promise<AlertRuleCreated> {
    return this.#client.call('alert_rule_add', input);
  }

  update(id: string, patch: Omit<ContractInput<'alert_rule_update'>, 'id'>): Promise<ContractOutput<'alert_rule_update'>> {
    return this.#client.call('alert_rule_update', { ...patch, id });
  }

  delete(id: string): Promise<MessageBody> {
    return this.#client.call('alert_rule_delete', { id });
  }
}

/** Report schedules (`/report-schedules`, alerts.md §3): the schedules the caller may read, lazily paged. */
export class ReportSchedules extends Collection<ReportSchedule, ReportScheduleData> {
  readonly #client: ContractCaller;

  constructor(client: ContractCaller, pageSize: number | undefined) {
    super({
      pageSize,
      wrap: (raw) => attach(raw, {}),
      fetchPage: (page, size) => client.call('report_schedule_list', { page, size }),
      entry: (id) => client.call('report_schedule_entry', { id }).then((raw) => attach(raw, {})),
    });
    this.#client = client;
  }

  /** The answer carries `webhook_secret`: the only time the server shows it. */
  create(input: ReportScheduleInput): Promise<ReportScheduleCreated> {
    return this.#client.call('report_schedule_add', input);
  }

  update(id: string, patch: Omit<ContractInput<'report_schedule_update'>, 'id'>): Promise<ContractOutput<'report_schedule_update'>> {
    return this.#client.call('report_schedule_update', { ...patch, id });
  }

  delete(id: string): Promise<MessageBody> {
    return this.#client.call('report_schedule_delete', { id });
  }
}
