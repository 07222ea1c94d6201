import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { formatNumber } from '../lib/format';
import { dayAfter, resolveRange, type RangeSearch } from '../lib/search';
import { useTRPC } from '../lib/trpc';
import { CsvButton } from './Downloads';
import { RangeControls } from './RangeControls';
import { UsageChart } from './UsageChart';
import { ReportTable } from './ReportTable';
import { Empty, ErrorMessage, Loading } from './states';

const METRICS_PAGE_SIZE = 20;

export function InstallationView({ id, search }: { id: string; search: RangeSearch }) {
  const trpc = useTRPC();
  const range = resolveRange(search);
  const installation = useQuery(trpc.installations.get.queryOptions({ id }));
  const report = useQuery(trpc.reports.installation.queryOptions({ installation_id: id, start: range.start, end: range.end }));

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
      <CsvButton
        label="Download metrics CSV"
        name={`metrics-${id}.csv`}
        path={`/accounting-system/installations/${encodeURIComponent(id)}/metrics?start=${range.start}&end=${range.end}`}
      />
      <MetricsTable installationId={id} search={search} range={range} />
    </section>
  );
}

type Range = ReturnType<typeof resolveRange>;
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

/** Totals of the range per group or per user (window `total`), one row per definition and owner. */
function Totals({ id, range, by, title }: { id: string; range: Range; by: 'group_id' | 'user_id'; title: string }) {
  const trpc = useTRPC();
  const usage = useQuery(trpc.usage.installation.queryOptions({ ...usageQuery(id, range), window: 'total', group_by: [by] }));
  if (usage.isPending) return <Loading what={title.toLowerCase()} />;
  if (usage.isError) return <ErrorMessage error={usage.error} />;
  if (usage.data.series.length === 0) return <Empty>No usage in this range.</Empty>;
  return (
    <table data-testid={`totals-${by}`}>
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">{by === 'group_id' ? 'Group' : 'User'}</th>
          <th scope="col">Metric</th>
          <th scope="col">Total</th>
        </tr>
      </thead>
      <tbody>
        {usage.data.series.map((s) => (
          <tr key={`${s.metric_definition_id}-${s.group[by] ?? ''}`}>
            <td>{s.group[by] ?? <span className="muted">none</span>}</td>
            <td>
              {s.metric_name} <span className="muted">({s.unit_type})</span>
            </td>
            <td className="num">{formatNumber(s.total)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function MetricsTable({ installationId, search, range }: { installationId: string; search: RangeSearch; range: { start: string; end: string } }) {
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
