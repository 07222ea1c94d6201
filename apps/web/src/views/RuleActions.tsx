import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { messageOf } from '../lib/trpc';
import { useOwnerApi, type WebhookOwner } from '../lib/webhook-owners';

/**
 * Pause, resume or delete one alert rule or report schedule (PATCH `enabled`, DELETE; alerts.md §1, §3).
 * Delete asks once more in the page rather than in a browser dialog. Whether the caller may is the
 * server's to say: its refusal is shown as written.
 */
export function RuleActions({ owner, id, name, enabled }: { owner: WebhookOwner; id: string; name: string; enabled: boolean }) {
  const api = useOwnerApi(owner);
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const refresh = () => void client.invalidateQueries({ queryKey: api.listKey });
  const update = useMutation({ mutationFn: () => api.setEnabled(id, !enabled), onSuccess: refresh });
  const remove = useMutation({ mutationFn: () => api.remove(id), onSuccess: refresh, onSettled: () => setConfirming(false) });
  const failure = update.error ?? remove.error;
  const busy = update.isPending || remove.isPending;
  return (
    <div className="actions" data-testid="rule-actions">
      <button
        type="button"
        disabled={busy}
        aria-label={`${enabled ? 'Disable' : 'Enable'} ${name}`}
        onClick={() => (remove.reset(), update.mutate())}
      >
        {enabled ? 'Disable' : 'Enable'}
      </button>
      {confirming ? (
        <>
          <button
            type="button"
            className="danger"
            disabled={busy}
            aria-label={`Confirm deleting ${name}`}
            onClick={() => (update.reset(), remove.mutate())}
          >
            Confirm delete
          </button>
          <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </>
      ) : (
        <button type="button" disabled={busy} aria-label={`Delete ${name}`} onClick={() => setConfirming(true)}>
          Delete
        </button>
      )}
      {failure && (
        <span role="alert" className="state error" data-testid="rule-action-error">
          {messageOf(failure)}
        </span>
      )}
    </div>
  );
}
