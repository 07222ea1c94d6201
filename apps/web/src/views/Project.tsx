import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { reportProcedures, type AggregatedMetric as Aggregated, type InstallationReport, type ProviderReport } from '@acc/contracts';
import { formatNumber } from '../lib/format';
import { restUrl } from '../lib/rest';
import { resolveRange, type AlertsSearch, type RangeSearch } from '../lib/search';
import { useTRPC } from '../lib/trpc';
import { CsvButton } from './Downloads';
import { RangeControls } from './RangeControls';
import { ReportTable } from './ReportTable';
import { GroupAndUserTotals, StackedUsage, type UsageScope } from './ScopeUsage';
import { ErrorMessage, Loading } from './states';

type Range = ReturnType<typeof resolveRange>;

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

/** Installation names by id, from a report's installations: the stacked charts' legend. */
const useNames = (reports: ProviderReport[] | undefined) =>
  useMemo(() => Object.fromEntries((reports ?? []).flatMap((p) => p.data.map((i) => [i.installation_id, i.installation]))), [reports]);

/** The range (not the page) carries over when drilling down. */
const rangeOnly = (range: Range): RangeSearch => ({ start: range.start, end: range.end, window: range.window, tz: range.tz });

function InstallationReports({ installations, range }: { installations: InstallationReport[]; range: Range }) {
  return installations.map((i) => (
    <div key={i.installation_id} className="installation-report">
      <h4>
        <Link to="/installations/$installationId" params={{ installationId: i.installation_id }} search={rangeOnly(range)}>
          {i.installation}
        </Link>
      </h4>
      <ReportTable data={i.data} caption={`${i.installation}, ${range.start} – ${range.end}`} />
    </div>
  ));
}

/** One provider's part of a report; within a project it links to the provider-in-project view. */
function ProviderSection({ report, range, projectId }: { report: ProviderReport; range: Range; projectId?: string }) {
  return (
    <section className="provider" aria-label={`Provider ${report.name}`}>
      <h3>
        {projectId ? (
          <Link to="/projects/$projectId/providers/$providerId" params={{ projectId, providerId: report.provider_id }} search={rangeOnly(range)}>
            {report.name}
          </Link>
        ) : (
          report.name
        )}
      </h3>
      <Totals metrics={report.aggregated_metrics} />
      <InstallationReports installations={report.data} range={range} />
    </section>
  );
}

const AlertsLink = ({ scope }: { scope: AlertsSearch }) => (
  <p>
    <Link to="/alerts" search={scope}>
      Alert rules of this scope
    </Link>
  </p>
);

/** Stacked usage by the given keys, then the groups and users of the scope with their totals. */
function ScopeCharts({
  scope,
  range,
  stacks,
  names,
}: {
  scope: UsageScope;
  range: Range;
  stacks: [by: 'provider' | 'installation' | 'project', title: string][];
  names: Record<string, string>;
}) {
  return (
    <>
      <h2>Usage over time</h2>
      {stacks.map(([by, title]) => (
        <StackedUsage key={by} scope={scope} range={range} by={by} title={title} names={names} />
      ))}
      <h2>Groups and users</h2>
      <GroupAndUserTotals scope={scope} range={range} />
    </>
  );
}

/** A project: stacked usage by provider and installation, groups and users, the aggregated report with drill-down. */
export function ProjectView({ id, search }: { id: string; search: RangeSearch }) {
  const trpc = useTRPC();
  const range = resolveRange(search);
  const report = useQuery(trpc.reports.project.queryOptions({ project_id: id, start: range.start, end: range.end }));
  const names = useNames(report.data?.data);
  return (
    <section aria-labelledby="project-title">
      <p className="crumbs">
        <Link to="/">Overview</Link>
      </p>
      <h1 id="project-title">Project {report.data?.acronym || id}</h1>
      {report.data && <p className="muted">{report.data.title}</p>}
      <AlertsLink scope={{ project_id: id }} />
      <RangeControls search={search} resolved={range} />
      <ScopeCharts
        scope={{ kind: 'project', project_id: id }}
        range={range}
        stacks={[
          ['provider', 'By provider'],
          ['installation', 'By installation'],
        ]}
        names={names}
      />
      <h2>Report</h2>
      <CsvButton
        label="Download report CSV"
        name={`report-${id}.csv`}
        path={restUrl(reportProcedures.project, { project_id: id, start: range.start, end: range.end })}
      />
      {report.isPending ? (
        <Loading what="the project report" />
      ) : report.isError ? (
        <ErrorMessage error={report.error} />
      ) : (
        <>
          <Totals metrics={report.data.aggregated_metrics} />
          {report.data.data.map((p) => (
            <ProviderSection key={p.provider_id} report={p} range={range} projectId={id} />
          ))}
        </>
      )}
    </section>
  );
}

/** A provider within a project: its installations there, stacked, with their report. */
export function ProjectProviderView({ projectId, providerId, search }: { projectId: string; providerId: string; search: RangeSearch }) {
  const trpc = useTRPC();
  const range = resolveRange(search);
  const report = useQuery(trpc.reports.provider.queryOptions({ project_id: projectId, provider_id: providerId, start: range.start, end: range.end }));
  const names = useNames(report.data ? [report.data] : undefined);
  return (
    <section aria-labelledby="project-provider-title">
      <p className="crumbs">
        <Link to="/">Overview</Link> /{' '}
        <Link to="/projects/$projectId" params={{ projectId }} search={rangeOnly(range)}>
          {projectId}
        </Link>{' '}
        /{' '}
        <Link to="/providers/$providerId" params={{ providerId }} search={rangeOnly(range)}>
          {providerId}
        </Link>
      </p>
      <h1 id="project-provider-title">
        {report.data?.name ?? providerId} in {projectId}
      </h1>
      <AlertsLink scope={{ project_id: projectId, provider_id: providerId }} />
      <RangeControls search={search} resolved={range} />
      <ScopeCharts
        scope={{ kind: 'projectProvider', project_id: projectId, provider_id: providerId }}
        range={range}
        stacks={[['installation', 'By installation']]}
        names={names}
      />
      <h2>Report</h2>
      <CsvButton
        label="Download report CSV"
        name={`report-${projectId}-${providerId}.csv`}
        path={restUrl(reportProcedures.provider, { project_id: projectId, provider_id: providerId, start: range.start, end: range.end })}
      />
      {report.isPending ? (
        <Loading what="the report" />
      ) : report.isError ? (
        <ErrorMessage error={report.error} />
      ) : (
        <>
          <Totals metrics={report.data.aggregated_metrics} />
          <InstallationReports installations={report.data.data} range={range} />
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
  const names = useNames(report.data?.reports);
  return (
    <section aria-labelledby="provider-title">
      <p className="crumbs">
        <Link to="/">Overview</Link>
      </p>
      <h1 id="provider-title">Provider {id}</h1>
      <AlertsLink scope={{ provider_id: id }} />
      <RangeControls search={search} resolved={range} />
      <ScopeCharts
        scope={{ kind: 'provider', provider_id: id }}
        range={range}
        stacks={[
          ['project', 'By project'],
          ['installation', 'By installation'],
        ]}
        names={names}
      />
      <h2>Report</h2>
      <CsvButton
        label="Download report CSV"
        name={`report-${id}.csv`}
        path={restUrl(reportProcedures.genericProvider, { provider_id: id, start: range.start, end: range.end })}
      />
      {report.isPending ? (
        <Loading what="the provider report" />
      ) : report.isError ? (
        <ErrorMessage error={report.error} />
      ) : (
        <>
          <Totals metrics={report.data.aggregated_metrics} />
          {report.data.reports.map((p, n) => {
            // A provider's report per project: the project is its installations'.
            const projectId = p.data[0]?.project;
            return (
              <section key={projectId ?? n} className="provider" aria-label={`Project ${projectId ?? ''}`}>
                <h3>
                  {projectId ? (
                    <Link to="/projects/$projectId/providers/$providerId" params={{ projectId, providerId: id }} search={rangeOnly(range)}>
                      In {projectId}
                    </Link>
                  ) : (
                    'No installation'
                  )}
                </h3>
                <Totals metrics={p.aggregated_metrics} />
                <InstallationReports installations={p.data} range={range} />
              </section>
            );
          })}
        </>
      )}
    </section>
  );
}
