import { z } from 'zod';
import { ReportSchedule, ReportScheduleCreate, ReportScheduleCreated, ReportScheduleRef, ReportScheduleUpdate } from '../entities/report-schedule.js';
import { MessageResponse } from '../errors.js';
import { pageOf, pageParams } from '../page.js';
import { defineProcedures } from './define.js';

/** alerts.md §3: report schedules over REST `/report-schedules…` and tRPC `schedules.*`. */
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
});
