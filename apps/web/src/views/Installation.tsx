import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { formatNumber } from '../lib/format';
import { resolveRange, type RangeSearch } from '../lib/search';
import { useTRPC } from '../lib/trpc';
import { RangeControls } from './RangeControls';
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

      <h2>Report</h2>
      {report.isPending ? (
        <Loading what="the report" />
      ) : report.isError ? (
        <ErrorMessage error={report.error} />
      ) : (
        <ReportTable data={report.data.data} caption={`${range.start} – ${range.end}`} />
      )}

      <h2>Metrics</h2>
      <MetricsTable installationId={id} search={search} range={range} />
    </section>
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
