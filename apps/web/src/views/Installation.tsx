import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { formatNumber } from '../lib/format';
import { dayAfter, resolveRange, type RangeSearch } from '../lib/search';
import { useSession } from '../lib/session-context';
import { messageOf, useTRPC } from '../lib/trpc';
import { emptyMetric, metricBody, MetricForm, type MetricFields } from './MetricForm';
import { CsvButton } from './Downloads';
import { RangeControls } from './RangeControls';
import { UsageChart } from './UsageChart';
import { ReportTable } from './ReportTable';
import { UsageTotals } from './UsageTotals';
import { Empty, ErrorMessage, Loading } from './states';

const METRICS_PAGE_SIZE = 20;

export function InstallationView({ id, search }: { id: string; search: RangeSearch }) {
  const trpc = useTRPC();
  const range = resolveRange(search);
  const installation = useQuery(trpc.installations.get.queryOptions({ id }));
  const report = useQuery(trpc.reports.installation.queryOptions({ installation_id: id, start: range.start, end: range.end }));
  const permissions = usePermissions(id);
  const definitions = useQuery({
    ...trpc.installations.metricDefinitions.queryOptions({ id, page: 1, size: 100 }),
    enabled: !!permissions.data?.metrics.push,
  });

  if (installation.isPending) return <Loading what="the installation" />;
  if (installation.isError) return <ErrorMessage error={installation.error} />;
  const i = installation.data;
  return (
    <section aria-labelledby="installation-title">
      <p className="crumbs">
        <Link to="/">Overview</Link> /{' '}
        <Link to="/projects/$projectId" params={{ projectId: i.project }}>
          {i.project}
        </Link>{' '}
        /{' '}
        <Link to="/providers/$providerId" params={{ providerId: i.organisation }}>
          {i.organisation}
        </Link>
      </p>
      <h1 id="installation-title">{i.installation}</h1>
      <p className="muted">
        {i.infrastructure ?? ''} {i.unit_of_access ? `· unit of access: ${i.unit_of_access.metric_name} (${i.unit_of_access.unit_type})` : ''}
      </p>
      <p>
        <Link to="/alerts" search={{ installation_id: id }}>
          Alert rules of this installation
        </Link>
      </p>
      <RangeControls search={search} resolved={range} />

      <h2>Usage over time</h2>
      <Usage id={id} range={range} capacities={i.capacities ?? []} />

      <h2>Report</h2>
      <CsvButton
        label="Download report CSV"
        name={`report-${id}.csv`}
        path={`/accounting-system/installations/${encodeURIComponent(id)}/report?start=${range.start}&end=${range.end}`}
      />
      {report.isPending ? (
        <Loading what="the report" />
      ) : report.isError ? (
        <ErrorMessage error={report.error} />
      ) : (
        <ReportTable data={report.data.data} caption={`${range.start} – ${range.end}`} />
      )}

      <h2>Usage by group and by user</h2>
      <div className="split">
        <Totals id={id} range={range} by="group_id" title="By group" />
        <Totals id={id} range={range} by="user_id" title="By user" />
      </div>

      <h2>Metrics</h2>
      {permissions.data?.metrics.push && <PushMetric installationId={id} definitions={definitions.data?.content ?? []} />}
      <CsvButton
        label="Download metrics CSV"
        name={`metrics-${id}.csv`}
        path={`/accounting-system/installations/${encodeURIComponent(id)}/metrics?start=${range.start}&end=${range.end}`}
      />
      <MetricsTable
        installationId={id}
        search={search}
        range={range}
        canEdit={!!permissions.data?.metrics.edit}
        canDelete={!!permissions.data?.metrics.delete}
        definitions={definitions.data?.content ?? []}
      />
    </section>
  );
}

type Range = ReturnType<typeof resolveRange>;
type Definition = { metric_definition_id: string; metric_name: string; unit_type: string };

/** What the server says this caller may do here (`GET /ui/permissions`): controls appear only when allowed. */
function usePermissions(installationId: string) {
  const session = useSession();
  return useQuery({
    queryKey: ['ui-permissions', installationId, session.subject()],
    queryFn: async () => {
      const res = await fetch(`/ui/permissions?installation_id=${encodeURIComponent(installationId)}`, {
        headers: { Authorization: `Bearer ${session.token() ?? ''}` },
      });
      if (!res.ok) throw new Error(((await res.json()) as { message?: string }).message ?? String(res.status));
      return (await res.json()) as { metrics: { push: boolean; edit: boolean; delete: boolean } };
    },
  });
}

/** After a change every view of this installation (charts, report, listing) is fetched again. */
const useRefresh = () => {
  const client = useQueryClient();
  return () => client.invalidateQueries();
};

function PushMetric({ installationId, definitions }: { installationId: string; definitions: Definition[] }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const [round, setRound] = useState(0);
  const push = useMutation(trpc.metrics.push.mutationOptions({ onSuccess: () => (setRound((r) => r + 1), refresh()) }));
  return (
    <details className="push" open>
      <summary>Push a metric</summary>
      <MetricForm
        key={round}
        installationId={installationId}
        initial={emptyMetric}
        definitions={definitions}
        submitLabel="Push metric"
        busy={push.isPending}
        serverError={push.isError ? messageOf(push.error) : undefined}
        onSubmit={(f) => push.mutate({ installation_id: installationId, ...metricBody(f) })}
      />
      {push.isSuccess && (
        <p role="status" className="state ok">
          Metric pushed.
        </p>
      )}
    </details>
  );
}

function MetricRowActions({
  installationId,
  metric,
  canEdit,
  canDelete,
  definitions,
}: {
  installationId: string;
  metric: {
    id: string;
    metric_definition: { metric_definition_id: string };
    time_period_start: string;
    time_period_end: string;
    value: number;
    group_id?: string;
    user_id?: string;
  };
  canEdit: boolean;
  canDelete: boolean;
  definitions: Definition[];
}) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const update = useMutation(trpc.metrics.update.mutationOptions({ onSuccess: () => (setEditing(false), refresh()) }));
  const remove = useMutation(trpc.metrics.delete.mutationOptions({ onSuccess: () => refresh() }));
  const initial: MetricFields = {
    metric_definition_id: metric.metric_definition.metric_definition_id,
    time_period_start: metric.time_period_start,
    time_period_end: metric.time_period_end,
    value: String(metric.value),
    group_id: metric.group_id ?? '',
    user_id: metric.user_id ?? '',
  };
  return (
    <td className="actions">
      {canEdit && !editing && (
        <button type="button" onClick={() => setEditing(true)}>
          Edit
        </button>
      )}
      {canDelete &&
        (confirming ? (
          <button type="button" onClick={() => remove.mutate({ installation_id: installationId, metric_id: metric.id })} disabled={remove.isPending}>
            Confirm delete
          </button>
        ) : (
          <button type="button" onClick={() => setConfirming(true)}>
            Delete
          </button>
        ))}
      {remove.isError && (
        <span role="alert" className="state error">
          {messageOf(remove.error)}
        </span>
      )}
      {editing && (
        <MetricForm
          installationId={installationId}
          metricId={metric.id}
          initial={initial}
          definitions={definitions}
          submitLabel="Save metric"
          busy={update.isPending}
          serverError={update.isError ? messageOf(update.error) : undefined}
          onSubmit={(f) => update.mutate({ installation_id: installationId, metric_id: metric.id, ...metricBody(f) })}
          onCancel={() => setEditing(false)}
        />
      )}
    </td>
  );
}
const usageQuery = (id: string, range: Range) => ({
  installation_id: id,
  start: range.start,
  end: dayAfter(range.end),
  window: range.window,
  tz: range.tz,
});

/** One chart per metric definition, plotting exactly what `GET …/usage` answers for the range, window and zone. */
function Usage({
  id,
  range,
  capacities,
}: {
  id: string;
  range: Range;
  capacities: { metric_definition_id: string; value: number; registered_on: string }[];
}) {
  const trpc = useTRPC();
  const query = usageQuery(id, range);
  const usage = useQuery(trpc.usage.installation.queryOptions(query));
  const csv = `/accounting-system/installations/${encodeURIComponent(id)}/usage?${new URLSearchParams({ start: query.start, end: query.end, window: query.window, tz: query.tz }).toString()}`;
  return (
    <>
      <CsvButton label="Download usage CSV" name={`usage-${id}.csv`} path={csv} />
      {usage.isPending ? (
        <Loading what="usage" />
      ) : usage.isError ? (
        <ErrorMessage error={usage.error} />
      ) : usage.data.series.length === 0 ? (
        <Empty>No usage in this range.</Empty>
      ) : (
        usage.data.series.map((s) => (
          <UsageChart key={s.metric_definition_id} series={s} capacities={capacities} start={usage.data.start} end={usage.data.end} />
        ))
      )}
    </>
  );
}

/** Totals of the range per group or per user (window `total`). */
function Totals({ id, range, by, title }: { id: string; range: Range; by: 'group_id' | 'user_id'; title: string }) {
  const trpc = useTRPC();
  const usage = useQuery(trpc.usage.installation.queryOptions({ ...usageQuery(id, range), window: 'total', group_by: [by] }));
  return <UsageTotals usage={usage} by={by} title={title} />;
}

function MetricsTable({
  installationId,
  search,
  range,
  canEdit,
  canDelete,
  definitions,
}: {
  installationId: string;
  search: RangeSearch;
  range: { start: string; end: string };
  canEdit: boolean;
  canDelete: boolean;
  definitions: Definition[];
}) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const page = search.page ?? 1;
  const metrics = useQuery(
    trpc.metrics.listByInstallation.queryOptions({
      installation_id: installationId,
      page,
      size: METRICS_PAGE_SIZE,
      start: range.start,
      end: range.end,
    }),
  );
  if (metrics.isPending) return <Loading what="metrics" />;
  if (metrics.isError) return <ErrorMessage error={metrics.error} />;
  const { content, total_pages, total_elements } = metrics.data;
  if (content.length === 0) return <Empty>No metrics in this range.</Empty>;
  const go = (to: number) => void navigate({ to: '.', search: (prev: RangeSearch) => ({ ...prev, page: to > 1 ? to : undefined }) });
  return (
    <>
      <table data-testid="metrics">
        <thead>
          <tr>
            <th scope="col">Definition</th>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col">Value</th>
            <th scope="col">Group</th>
            <th scope="col">User</th>
            {(canEdit || canDelete) && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {content.map((m) => (
            <tr key={m.id} data-id={m.id}>
              <td>{m.metric_definition.metric_name}</td>
              <td>{m.time_period_start}</td>
              <td>{m.time_period_end}</td>
              <td className="num">{formatNumber(m.value)}</td>
              <td>{m.group_id ?? ''}</td>
              <td>{m.user_id ?? ''}</td>
              {(canEdit || canDelete) && (
                <MetricRowActions installationId={installationId} metric={m} canEdit={canEdit} canDelete={canDelete} definitions={definitions} />
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <nav className="pager" aria-label="Metric pages">
        <button type="button" disabled={page <= 1} onClick={() => go(page - 1)}>
          Previous
        </button>
        <span>
          Page {page} of {total_pages} ({total_elements} metrics)
        </span>
        <button type="button" disabled={page >= total_pages} onClick={() => go(page + 1)}>
          Next
        </button>
      </nav>
    </>
  );
}
