import type { Command } from 'commander';
import type { AccountingClient, WebhookDeliveryData, WebhookDeliveryViews, WebhookQueuedData } from '@acc/client';
import { createClient } from '../config.js';
import { out } from '../io.js';
import { fields, printList } from '../output.js';
import { failWith, globalsOf, numberArg } from '../util.js';

const columns = fields<WebhookDeliveryData>(
  'event_id',
  'type',
  'created_at',
  'attempts',
  'status',
  'last_status_code',
  'last_error',
  'next_attempt_at',
  'delivered_at',
);
const deliveryText = (d: WebhookDeliveryData) =>
  `${d.event_id} ${d.type} ${d.status} after ${d.attempts} attempt(s)` +
  (d.last_status_code !== null ? `, last answer ${d.last_status_code}` : '') +
  (d.last_error ? `, last error: ${d.last_error}` : '');

/**
 * `acc alerts|schedules test|deliveries|redeliver` (alerts.md §2–§3): the same three commands for every
 * webhook owner, over its collection's contract-named views.
 */
export function registerDeliveryCommands(group: Command, noun: string, views: (acc: AccountingClient) => WebhookDeliveryViews): void {
  const queued = (cmd: Command, r: WebhookQueuedData) =>
    out(globalsOf(cmd).output === 'json' ? JSON.stringify(r, null, 2) : `${r.message} Event: ${r.event_id}`);

  group
    .command('test')
    .description(`send a test event to the ${noun}'s webhook now`)
    .argument('<id>', `${noun} id`)
    .action(async (id: string, _o, cmd: Command) => {
      const r = await views(createClient(globalsOf(cmd)))
        .test(id)
        .catch(failWith('Error while sending test event'));
      queued(cmd, r);
    });

  group
    .command('deliveries')
    .description(`list the ${noun}'s webhook events and how their delivery went, newest first`)
    .argument('<id>', `${noun} id`)
    .option('--page <n>', 'page number (from 1)', numberArg)
    .option('--size <n>', 'events per page', numberArg)
    .action(async (id: string, o: { page?: number; size?: number }, cmd: Command) => {
      const g = globalsOf(cmd);
      const page = await views(createClient(g))
        .deliveries(id, { ...(o.page !== undefined && { page: o.page }), ...(o.size !== undefined && { size: o.size }) })
        .catch(failWith('Error while listing deliveries'));
      await printList(page.content, g.output, { columns, text: deliveryText, empty: 'No webhook events.' });
    });

  group
    .command('redeliver')
    .description(`queue one of the ${noun}'s events for delivery again (same webhook-id)`)
    .argument('<id>', `${noun} id`)
    .argument('<event_id>', 'event id (msg_…), as listed by deliveries')
    .action(async (id: string, eventId: string, _o, cmd: Command) => {
      const r = await views(createClient(globalsOf(cmd)))
        .redeliver(id, eventId)
        .catch(failWith('Error while redelivering event'));
      queued(cmd, r);
    });
}
