import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { formatInstant } from '../lib/format';
import { messageOf } from '../lib/trpc';
import { useOwnerApi, type WebhookOwner } from '../lib/webhook-owners';
import { Empty, ErrorMessage, Loading } from './states';

/**
 * An alert rule's or a report schedule's webhook events, newest first (alerts.md §2), and a test event on
 * demand; the server's words as written.
 */
export function Deliveries({ owner, id, name }: { owner: WebhookOwner; id: string; name: string }) {
  const api = useOwnerApi(owner);
  const client = useQueryClient();
  const log = useQuery({ queryKey: api.deliveriesKey(id), queryFn: () => api.deliveries(id) });
  const refresh = () => client.invalidateQueries({ queryKey: api.deliveriesKey(id) });
  const test = useMutation({ mutationFn: () => api.test(id), onSuccess: () => void refresh() });
  return (
    <section className="deliveries" aria-label={`Deliveries of ${name}`} data-testid="deliveries">
      <div className="actions">
        <button type="button" onClick={() => test.mutate()} disabled={test.isPending}>
          Send test event
        </button>
        <button type="button" onClick={() => void refresh()}>
          Refresh deliveries
        </button>
        {test.isSuccess && (
          <span role="status" className="state ok" data-testid="test-queued">
            {test.data.message}
          </span>
        )}
        {test.isError && (
          <span role="alert" className="state error" data-testid="test-error">
            {messageOf(test.error)}
          </span>
        )}
      </div>
      {log.isPending ? (
        <Loading what="deliveries" />
      ) : log.isError ? (
        <ErrorMessage error={log.error} />
      ) : log.data.content.length === 0 ? (
        <Empty>No event sent yet.</Empty>
      ) : (
        <table data-testid="delivery-log">
          <caption>
            {log.data.content.length} of {log.data.total_elements} events, newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Type</th>
              <th scope="col">Created</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last answer</th>
              <th scope="col">Next attempt</th>
            </tr>
          </thead>
          <tbody>
            {log.data.content.map((e) => (
              <tr key={e.event_id} data-id={e.event_id} data-status={e.status}>
                <td>
                  <code>{e.event_id}</code>
                </td>
                <td>{e.type}</td>
                <td>{formatInstant(e.created_at)}</td>
                <td>
                  <span className={`badge delivery-${e.status}`}>{e.status}</span>
                  {e.delivered_at && <div className="muted">{formatInstant(e.delivered_at)}</div>}
                </td>
                <td className="num">{e.attempts}</td>
                <td>{e.last_status_code ?? e.last_error ?? '—'}</td>
                <td>{e.next_attempt_at ? formatInstant(e.next_attempt_at) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
