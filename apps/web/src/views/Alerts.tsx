import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { AlertRule, AlertRuleCreated } from '@acc/contracts';
import { inScope, isScoped, scopeText } from '../lib/alert-scope';
import { formatNumber } from '../lib/format';
import type { AlertsSearch } from '../lib/search';
import { messageOf, useTRPC } from '../lib/trpc';
import { AlertRuleForm } from './AlertRuleForm';
import { OwnerRow } from './OwnerRow';
import { SchedulesSection } from './Schedules';
import { SecretOnce } from './SecretOnce';
import { Empty, ErrorMessage, Loading } from './states';

const PAGE = { page: 1, size: 100 };

const threshold = (r: AlertRule) =>
  r.kind === 'capacity'
    ? `≥ ${formatNumber(r.threshold_percent)} % of capacity`
    : r.kind === 'usage'
      ? `≥ ${formatNumber(r.threshold_value)} per ${r.window ?? ''}${r.tz ? ` (${r.tz})` : ''}`
      : `silent ${formatNumber(r.silence_minutes)} min`;

/**
 * Alert rules of a scope (alerts.md §1): state and last value as the server measured them; create,
 * disable, enable and delete for those allowed.
 */
export function AlertsView({ scope }: { scope: AlertsSearch }) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const rules = useQuery(trpc.alerts.list.queryOptions(PAGE));
  const definitions = useQuery(trpc.metricDefinitions.list.queryOptions(PAGE));
  const [created, setCreated] = useState<AlertRuleCreated>();
  const [round, setRound] = useState(0);
  const create = useMutation(
    trpc.alerts.create.mutationOptions({
      onSuccess: (rule) => {
        setCreated(rule);
        setRound((r) => r + 1);
        void client.invalidateQueries({ queryKey: trpc.alerts.list.queryKey() });
      },
    }),
  );
  const shown = (rules.data?.content ?? []).filter((r) => inScope(r, scope));
  const scoped = isScoped(scope);

  return (
    <section aria-labelledby="alerts-title">
      <p className="crumbs">
        <Link to="/">Overview</Link>
        {scoped && (
          <>
            {' '}
            / <Link to="/alerts">All alert rules</Link>
          </>
        )}
      </p>
      <h1 id="alerts-title">Alert rules{scoped ? ` of ${scopeText(scope)}` : ''}</h1>

      {rules.isPending ? (
        <Loading what="alert rules" />
      ) : rules.isError ? (
        <ErrorMessage error={rules.error} />
      ) : shown.length === 0 ? (
        <Empty>No alert rule {scoped ? 'for this scope' : 'you may read'}.</Empty>
      ) : (
        <table data-testid="alert-rules">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Scope</th>
              <th scope="col">Kind</th>
              <th scope="col">Fires when</th>
              <th scope="col">State</th>
              <th scope="col">Last value</th>
              <th scope="col">Webhook</th>
              <th scope="col">Deliveries</th>
              <th scope="col">Manage</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <OwnerRow key={r.id} owner="alerts" item={r} columns={9}>
                <td>{scopeText(r.scope)}</td>
                <td>{r.kind}</td>
                <td>{threshold(r)}</td>
                <td data-testid="state" data-state={r.state}>
                  <span className={`badge state-${r.state}`}>{r.state}</span>
                </td>
                <td className="num" data-testid="last-value" data-value={r.last_value ?? ''}>
                  {formatNumber(r.last_value)}
                </td>
              </OwnerRow>
            ))}
          </tbody>
        </table>
      )}

      <h2>New rule</h2>
      {created && <SecretOnce what="Rule" name={created.name} secret={created.webhook_secret} />}
      <AlertRuleForm
        key={round}
        scope={scope}
        definitions={definitions.data?.content ?? []}
        busy={create.isPending}
        serverError={create.isError ? messageOf(create.error) : undefined}
        onSubmit={(body) => create.mutate(body as Parameters<typeof create.mutate>[0])}
      />

      <SchedulesSection scope={scope} />
    </section>
  );
}
