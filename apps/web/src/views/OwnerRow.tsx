import { useState, type ReactNode } from 'react';
import { formatInstant } from '../lib/format';
import type { WebhookOwner } from '../lib/webhook-owners';
import { Deliveries } from './Deliveries';
import { RuleActions } from './RuleActions';

interface Owned {
  id: string;
  name: string;
  enabled: boolean;
  webhook_url: string;
  updated_at: string;
}

/**
 * One alert rule's or report schedule's row: its name, its own cells (`children`), then its webhook, the
 * toggle for its delivery log and its manage actions; the delivery log opens in a row of its own below.
 */
export function OwnerRow({ owner, item, columns, children }: { owner: WebhookOwner; item: Owned; columns: number; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <tr data-id={item.id}>
        <th scope="row">
          {item.name}
          {!item.enabled && <span className="muted"> (disabled)</span>}
        </th>
        {children}
        <td className="muted">
          {item.webhook_url}
          <div>changed {formatInstant(item.updated_at)}</div>
        </td>
        <td>
          <button type="button" aria-expanded={open} aria-label={`Deliveries of ${item.name}`} onClick={() => setOpen(!open)}>
            {open ? 'Hide' : 'Show'}
          </button>
        </td>
        <td>
          <RuleActions owner={owner} id={item.id} name={item.name} enabled={item.enabled} />
        </td>
      </tr>
      {open && (
        <tr className="deliveries-row">
          <td colSpan={columns}>
            <Deliveries owner={owner} id={item.id} name={item.name} />
          </td>
        </tr>
      )}
    </>
  );
}
