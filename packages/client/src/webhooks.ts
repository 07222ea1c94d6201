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
/** A webhook event and how its delivery went: the same for every owner (alert rule, report schedule). */
export type WebhookDeliveryData = RowOf<'alert_rule_deliveries'>;
export type WebhookQueuedData = ContractOutput<'alert_rule_test'>;

/** The deliveries log, redeliver and test every webhook owner's collection offers (alerts.md §2–§3). */
export interface WebhookDeliveryViews {
  deliveries(id: string, page?: { page?: number; size?: number }): Promise<{ content: WebhookDeliveryData[]; total_elements: number }>;
  redeliver(id: string, eventId: string): Promise<WebhookQueuedData>;
  test(id: string): Promise<WebhookQueuedData>;
}

/** Alert rules (`/alert-rules`, alerts.md §1): the rules the caller may read, lazily paged. */
export class AlertRules extends Collection<AlertRule, AlertRuleData> implements WebhookDeliveryViews {
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

  /** One page of the rule's webhook events and how their delivery went, newest first. */
  deliveries(id: string, page: Omit<ContractInput<'alert_rule_deliveries'>, 'id'> = {}): Promise<ContractOutput<'alert_rule_deliveries'>> {
    return this.#client.call('alert_rule_deliveries', { ...page, id });
  }

  /** Queues one of the rule's events again (202): same `webhook-id`, a fresh 24 h of retries. */
  redeliver(id: string, eventId: string): Promise<ContractOutput<'alert_rule_redeliver'>> {
    return this.#client.call('alert_rule_redeliver', { id, event_id: eventId });
  }

  /** Queues a test event to the rule's webhook now (202); the answer carries its `event_id`. */
  test(id: string): Promise<ContractOutput<'alert_rule_test'>> {
    return this.#client.call('alert_rule_test', { id });
  }
}

/** Report schedules (`/report-schedules`, alerts.md §3): the schedules the caller may read, lazily paged. */
export class ReportSchedules extends Collection<ReportSchedule, ReportScheduleData> implements WebhookDeliveryViews {
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

  /** One page of the schedule's webhook events and how their delivery went, newest first. */
  deliveries(id: string, page: Omit<ContractInput<'report_schedule_deliveries'>, 'id'> = {}): Promise<ContractOutput<'report_schedule_deliveries'>> {
    return this.#client.call('report_schedule_deliveries', { ...page, id });
  }

  /** Queues one of the schedule's events again (202): same `webhook-id`, a fresh 24 h of retries. */
  redeliver(id: string, eventId: string): Promise<ContractOutput<'report_schedule_redeliver'>> {
    return this.#client.call('report_schedule_redeliver', { id, event_id: eventId });
  }

  /** Queues a test event to the schedule's webhook now (202); the answer carries its `event_id`. */
  test(id: string): Promise<ContractOutput<'report_schedule_test'>> {
    return this.#client.call('report_schedule_test', { id });
  }
}
