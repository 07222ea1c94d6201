import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { AlertRule } from '@acc/contracts';
import { messageOf, useTRPC } from '../lib/trpc';

/**
 * Pause, resume or delete one alert rule (PATCH `enabled`, DELETE; alerts.md §1). Delete asks once more
 * in the page rather than in a browser dialog. Whether the caller may is the server's to say: its refusal
 * is shown as written.
 */
export function RuleActions({ rule }: { rule: AlertRule }) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const refresh = () => void client.invalidateQueries({ queryKey: trpc.alerts.list.queryKey() });
  const update = useMutation(trpc.alerts.update.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.alerts.delete.mutationOptions({ onSuccess: refresh, onSettled: () => setConfirming(false) }));
  const failure = update.error ?? remove.error;
  const busy = update.isPending || remove.isPending;
  return (
    <div className="actions" data-testid="rule-actions">
      <button
        type="button"
        disabled={busy}
        aria-label={`${rule.enabled ? 'Disable' : 'Enable'} ${rule.name}`}
        onClick={() => (remove.reset(), update.mutate({ id: rule.id, enabled: !rule.enabled }))}
      >
        {rule.enabled ? 'Disable' : 'Enable'}
      </button>
      {confirming ? (
        <>
          <button
            type="button"
            className="danger"
            disabled={busy}
            aria-label={`Confirm deleting ${rule.name}`}
            onClick={() => (update.reset(), remove.mutate({ id: rule.id }))}
          >
            Confirm delete
          </button>
          <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </>
      ) : (
        <button type="button" disabled={busy} aria-label={`Delete ${rule.name}`} onClick={() => setConfirming(true)}>
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
