import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { formatNumber } from '../lib/format';
import { resolveRange, type RangeSearch } from '../lib/search';
import { useTRPC } from '../lib/trpc';
import { RangeControls } from './RangeControls';
import { ReportTable } from './ReportTable';
import { ErrorMessage, Loading } from './states';

interface Aggregated {
  metric_definition_id: string;
  metric_name: string;
  unit_type: string;
  total_value: number;
}
interface InstallationReport {
  installation_id: string;
  installation: string;
  data: Parameters<typeof ReportTable>[0]['data'];
}
interface ProviderReport {
  provider_id: string;
  name: string;
  aggregated_metrics: Aggregated[];
  data: InstallationReport[];
}

function Totals({ metrics }: { metrics: Aggregated[] }) {
  if (metrics.length === 0) return <p className="state empty">No metrics in this range.</p>;
  return (
    <ul className="cards" data-testid="totals">
      {metrics.map((m) => (
        <li key={m.metric_definition_id}>
          <strong>{formatNumber(m.total_value)}</strong> {m.unit_type} <span className="muted">{m.metric_name}</span>
        </li>
      ))}
    </ul>
  );
}

function ProviderSection({ report, range }: { report: ProviderReport; range: { start: string; end: string } }) {
  return (
    <section className="provider" aria-label={`Provider ${report.name}`}>
      <h3>
        <Link to="/providers/$providerId" params={{ providerId: report.provider_id }}>
          {report.name}
        </Link>
      </h3>
      <Totals metrics={report.aggregated_metrics} />
      {report.data.map((i) => (
        <div key={i.installation_id}>
          <h4>
            <Link to="/installations/$installationId" params={{ installationId: i.installation_id }}>
              {i.installation}
            </Link>
          </h4>
          <ReportTable data={i.data} caption={`${i.installation}, ${range.start} – ${range.end}`} />
        </div>
      ))}
    </section>
  );
}

/** A project: its aggregated report, then each provider and installation, with drill-down links. */
export function ProjectView({ id, search }: { id: string; search: RangeSearch }) {
  const trpc = useTRPC();
  const range = resolveRange(search);
  const report = useQuery(trpc.reports.project.queryOptions({ project_id: id, start: range.start, end: range.end }));
  return (
    <section aria-labelledby="project-title">
      <p className="crumbs">
        <Link to="/">Overview</Link>
      </p>
      <h1 id="project-title">Project {report.data?.acronym || id}</h1>
      {report.data && <p className="muted">{report.data.title}</p>}
      <RangeControls search={search} resolved={range} showWindow={false} />
      {report.isPending ? (
        <Loading what="the project report" />
      ) : report.isError ? (
        <ErrorMessage error={report.error} />
      ) : (
        <>
          <h2>Totals</h2>
          <Totals metrics={report.data.aggregated_metrics} />
          <h2>By provider</h2>
          {report.data.data.map((p) => (
            <ProviderSection key={p.provider_id} report={p} range={range} />
          ))}
        </>
      )}
    </section>
  );
}

/** A provider across its projects (provider representatives and system admins). */
export function ProviderView({ id, search }: { id: string; search: RangeSearch }) {
  const trpc = useTRPC();
  const range = resolveRange(search);
  const report = useQuery(trpc.reports.genericProvider.queryOptions({ provider_id: id, start: range.start, end: range.end }));
  return (
    <section aria-labelledby="provider-title">
      <p className="crumbs">
        <Link to="/">Overview</Link>
      </p>
      <h1 id="provider-title">Provider {id}</h1>
      <RangeControls search={search} resolved={range} showWindow={false} />
      {report.isPending ? (
        <Loading what="the provider report" />
      ) : report.isError ? (
        <ErrorMessage error={report.error} />
      ) : (
        <>
          <h2>Totals</h2>
          <Totals metrics={report.data.aggregated_metrics} />
          {report.data.reports.map((p, n) => (
            <ProviderSection key={`${p.provider_id}-${n}`} report={p} range={range} />
          ))}
        </>
      )}
    </section>
  );
}
