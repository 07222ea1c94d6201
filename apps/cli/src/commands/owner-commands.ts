import type { Command } from 'commander';
import type { AccountingClient, WebhookDeliveryViews } from '@acc/client';
import { createClient } from '../config.js';
import { out } from '../io.js';
import { printList, printOne, type Column } from '../output.js';
import { failWith, globalsOf } from '../util.js';
import { registerDeliveryCommands } from './delivery-commands.js';

/** What `acc alerts` and `acc schedules` need of their client collection. */
export interface OwnerCollection<Row extends object> extends AsyncIterable<Row>, WebhookDeliveryViews {
  get(id: string): Promise<Row>;
  delete(id: string): Promise<{ message: string }>;
}

export interface OwnerSpec<Row extends object> {
  /** `alert rule`, `report schedule`. */
  noun: string;
  /** The noun with its article, for descriptions: `an alert rule`. */
  aNoun: string;
  plural: string;
  getDescription: string;
  columns: Column<Row>[];
  text: (row: Row) => string;
  collection: (acc: AccountingClient) => OwnerCollection<Row>;
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The commands every webhook owner has (alerts.md §1–§3) — `list`, `get`, then the owner's own
 * `create`/`update` (registered by `writes`), `delete`, and `test`/`deliveries`/`redeliver` — in that order.
 */
export function registerOwnerCommands<Row extends object>(group: Command, spec: OwnerSpec<Row>, writes: (group: Command) => void): void {
  group
    .command('list')
    .description(`list the ${spec.plural} you may read`)
    .action(async (_o, cmd: Command) => {
      const g = globalsOf(cmd);
      await printList<Row>(spec.collection(createClient(g)), g.output, { columns: spec.columns, text: spec.text, empty: `No ${spec.plural}.` }).catch(
        failWith(`Error while iterating ${spec.plural}`),
      );
    });

  group
    .command('get')
    .description(spec.getDescription)
    .argument('<id>', `${spec.noun} id`)
    .action(async (id: string, _o, cmd: Command) => {
      const g = globalsOf(cmd);
      const row = await spec
        .collection(createClient(g))
        .get(id)
        .catch(failWith(`${capitalised(spec.noun)} not found`));
      printOne(row, g.output, { columns: spec.columns, text: (x) => JSON.stringify(x) });
    });

  writes(group);

  group
    .command('delete')
    .description(`delete ${spec.aNoun} and its delivery log`)
    .argument('<id>', `${spec.noun} id`)
    .action(async (id: string, _o, cmd: Command) => {
      const g = globalsOf(cmd);
      const r = await spec
        .collection(createClient(g))
        .delete(id)
        .catch(failWith(`Error while deleting ${spec.noun}`));
      out(g.output === 'json' ? JSON.stringify(r, null, 2) : r.message);
    });

  registerDeliveryCommands(group, spec.noun, spec.collection);
}

/** A created owner: its text and the webhook secret, which the server shows this once. */
export function printCreated<Row extends { webhook_secret: string }>(cmd: Command, row: Row, text: (row: Row) => string): void {
  if (globalsOf(cmd).output === 'json') out(JSON.stringify(row, null, 2));
  else out(`${text(row)}\nWebhook secret (shown only now): ${row.webhook_secret}`);
}
