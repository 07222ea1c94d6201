import { z } from 'zod';
import { ReportSchedule, ReportScheduleCreate, ReportScheduleCreated, ReportScheduleRef, ReportScheduleUpdate } from '../entities/report-schedule.js';
import { DeliveriesQuery, DeliveryRef, WebhookDeliveryPage, WebhookQueued } from '../entities/webhook.js';
import { MessageResponse } from '../errors.js';
import { pageOf, pageParams } from '../page.js';
import { defineProcedures } from './define.js';

/** alerts.md §3: report schedules (and their webhook deliveries) over REST `/report-schedules…` and tRPC `schedules.*`. */
export const scheduleProcedures = defineProcedures('Report schedules')({
  create: {
    name: 'report_schedule_add',
    method: 'POST',
    path: '/report-schedules',
    input: ReportScheduleCreate,
    output: ReportScheduleCreated,
    status: 201,
    summary: 'Create a report schedule (its webhook secret is shown only in this answer)',
    errors: [400, 403, 404, 415],
  },
  list: {
    name: 'report_schedule_list',
    method: 'GET',
    path: '/report-schedules',
    input: z.object(pageParams),
    output: pageOf(ReportSchedule, 'ReportSchedulePage'),
    summary: 'List the report schedules the caller may read',
    errors: [400],
  },
  get: {
    name: 'report_schedule_entry',
    method: 'GET',
    path: '/report-schedules/{id}',
    input: ReportScheduleRef,
    output: ReportSchedule,
    summary: 'Read a report schedule, with the period it sends next',
    errors: [403, 404],
  },
  update: {
    name: 'report_schedule_update',
    method: 'PATCH',
    path: '/report-schedules/{id}',
    input: ReportScheduleUpdate,
    output: ReportSchedule,
    summary: 'Change a report schedule (name, period, time zone, webhook, enabled)',
    errors: [400, 403, 404, 415],
  },
  delete: {
    name: 'report_schedule_delete',
    method: 'DELETE',
    path: '/report-schedules/{id}',
    input: ReportScheduleRef,
    output: MessageResponse,
    summary: 'Delete a report schedule and its delivery log',
    errors: [403, 404],
  },
  deliveries: {
    name: 'report_schedule_deliveries',
    method: 'GET',
    path: '/report-schedules/{id}/deliveries',
    input: DeliveriesQuery,
    output: WebhookDeliveryPage,
    summary: "The schedule's webhook events and how their delivery went, newest first",
    errors: [400, 403, 404],
  },
  redeliver: {
    name: 'report_schedule_redeliver',
    method: 'POST',
    path: '/report-schedules/{id}/deliveries/{event_id}/redeliver',
    input: DeliveryRef,
    output: WebhookQueued,
    status: 202,
    summary: "Queue one of the schedule's events for delivery again (same webhook-id, a fresh 24 h of retries)",
    errors: [403, 404],
  },
  test: {
    name: 'report_schedule_test',
    method: 'POST',
    path: '/report-schedules/{id}/test',
    input: ReportScheduleRef,
    output: WebhookQueued,
    status: 202,
    summary: "Send a report.test event (the schedule's id, name, period and scope) to the schedule's webhook now",
    errors: [403, 404],
  },
});
