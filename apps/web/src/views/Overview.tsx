import { useQueries, useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { formatInstant, formatNumber, usageLevel } from '../lib/format';
import { dayAfter, resolveRange } from '../lib/search';
import { useTRPC } from '../lib/trpc';
import { Sparkline } from './Sparkline';
import { Empty, ErrorMessage, Loading } from './states';

/** An installation whose latest push, or latest reported period, is older than this stands out as stale. */
export const STALE_AFTER_MS = 48 * 3600 * 1000;
export const isStale = (f: { last_pushed_at: string | null; last_period_end: string | null } | undefined, now = Date.now()) =>
  !!f &&
  (!f.last_pushed_at ||
    !f.last_period_end ||
    now - Date.parse(f.last_pushed_at) > STALE_AFTER_MS ||
    now - Date.parse(f.last_period_end) > STALE_AFTER_MS);

/** The API's largest page: the overview lists up to this many of each. */
const PAGE = { page: 1, size: 100 };

interface Capacity {
  metric_definition_id: string;
  value: number;
  registered_on: string;
}

/** The capacity in force today for a definition: the latest registered on or before today. */
export function capacityInForce(capacities: Capacity[] | undefined, definitionId: string | undefined, today = new Date().toISOString()) {
  return (capacities ?? [])
    .filter((c) => c.metric_definition_id === definitionId && c.registered_on <= today)
    .sort((a, b) => (a.registered_on < b.registered_on ? 1 : -1))[0];
}

export function Overview({ q }: { q?: string }) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const { start, end } = resolveRange({});
  const projects = useQuery(trpc.projects.list.queryOptions(PAGE));
  const installations = useQuery(trpc.installations.all.queryOptions(PAGE));
  const list = installations.data?.content ?? [];
  const freshness = useQuery(trpc.usage.freshness.queryOptions(PAGE));
  const trend = useQuery(trpc.usage.global.queryOptions({ start, end: dayAfter(end), window: 'day', group_by: ['installation'] }));
  const freshnessOf = new Map((freshness.data?.content ?? []).map((f) => [f.installation_id, f]));
  const trendOf = (installationId: string, definitionId: string | undefined) => {
    const mine = (trend.data?.series ?? []).filter((t) => t.group.installation_id === installationId);
    const series = mine.find((t) => t.metric_definition_id === definitionId) ?? mine[0];
    return series ? { values: series.points.map((p) => p.value ?? 0), name: series.metric_name } : undefined;
  };
  // Usage against the capacity in force is measured from the day that capacity took effect; without one, 30 days.
  const reports = useQueries({
    queries: list.map((i) => {
      const capacity = capacityInForce(i.capacities, i.unit_of_access?.metric_definition_id);
      return trpc.reports.installation.queryOptions({ installation_id: i.id, start: capacity ? capacity.registered_on.slice(0, 10) : start, end });
    }),
  });

  const needle = (q ?? '').trim().toLowerCase();
  const matches = (...names: (string | null | undefined)[]) => !needle || names.some((n) => n?.toLowerCase().includes(needle));
  const shownProjects = (projects.data?.content ?? []).filter((p) => matches(p.id, p.acronym, p.title));
  const rows = list
    .map((installation, index) => ({ installation, report: reports[index] }))
    .filter(({ installation: i }) => matches(i.installation, i.project, i.organisation, i.infrastructure));
  const providers = [...new Set(list.map((i) => i.organisation))].filter((p) => matches(p)).sort();

  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <div className="toolbar">
        <label>
          Search by name
          <input
            type="search"
            name="q"
            value={q ?? ''}
            onChange={(e) => void navigate({ to: '/', search: { q: e.target.value || undefined }, replace: true })}
          />
        </label>
        <span className="hint">
          Usage since the capacity in force took effect (without a capacity: the last 30 days, {start} – {end})
        </span>
      </div>

      <h2>Projects</h2>
      {projects.isPending ? (
        <Loading what="projects" />
      ) : projects.isError ? (
        <ErrorMessage error={projects.error} />
      ) : shownProjects.length === 0 ? (
        <Empty>No project to show.</Empty>
      ) : (
        <ul className="cards" data-testid="projects">
          {shownProjects.map((p) => (
            <li key={p.id} data-id={p.id}>
              <Link to="/projects/$projectId" params={{ projectId: p.id }}>
                {p.acronym || p.id}
              </Link>
              <span className="muted"> {p.title}</span>
            </li>
          ))}
        </ul>
      )}

      <h2>Providers</h2>
      {installations.isSuccess &&
        (providers.length === 0 ? (
          <Empty>No provider to show.</Empty>
        ) : (
          <ul className="cards" data-testid="providers">
            {providers.map((p) => (
              <li key={p} data-id={p}>
                <Link to="/providers/$providerId" params={{ providerId: p }}>
                  {p}
                </Link>
              </li>
            ))}
          </ul>
        ))}

      <h2>Installations</h2>
      {installations.isPending ? (
        <Loading what="installations" />
      ) : installations.isError ? (
        <ErrorMessage error={installations.error} />
      ) : rows.length === 0 ? (
        <Empty>No installation to show.</Empty>
      ) : (
        <table data-testid="installations">
          <thead>
            <tr>
              <th scope="col">Installation</th>
              <th scope="col">Project</th>
              <th scope="col">Provider</th>
              <th scope="col">Capacity in force</th>
              <th scope="col">Usage of capacity</th>
              <th scope="col">Last 30 days</th>
              <th scope="col">Last reported</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ installation: i, report }) => {
              const definition = i.unit_of_access;
              const capacity = capacityInForce(i.capacities, definition?.metric_definition_id);
              const periods = report?.data?.data.find((d) => d.metric_definition_id === definition?.metric_definition_id)?.periods ?? [];
              const latest = periods[periods.length - 1];
              const percent = latest?.usage_percentage;
              const level = usageLevel(percent);
              const fresh = freshnessOf.get(i.id);
              const stale = isStale(fresh);
              const spark = trendOf(i.id, definition?.metric_definition_id);
              return (
                <tr key={i.id} data-id={i.id} className={stale ? 'stale' : undefined} data-stale={stale}>
                  <th scope="row">
                    <Link to="/installations/$installationId" params={{ installationId: i.id }}>
                      {i.installation}
                    </Link>
                  </th>
                  <td>{i.project}</td>
                  <td>{i.organisation}</td>
                  <td data-testid="capacity">{capacity ? `${formatNumber(capacity.value)} ${definition?.unit_type ?? ''}` : '—'}</td>
                  <td data-testid="usage" data-level={level} data-percent={percent ?? ''}>
                    {report?.isPending ? (
                      <span className="muted">…</span>
                    ) : report?.isError ? (
                      <ErrorMessage error={report.error} />
                    ) : percent === undefined ? (
                      <span className="muted">{latest ? `${formatNumber(latest.total_value)} (no capacity)` : 'no usage'}</span>
                    ) : (
                      <span className={`gauge ${level}`}>
                        <span className="bar" style={{ width: `${Math.min(100, percent)}%` }} />
                        <span className="label">{formatNumber(percent)} %</span>
                      </span>
                    )}
                  </td>
                  <td>
                    {spark ? <Sparkline values={spark.values} label={`${spark.name}, daily, last 30 days`} /> : <span className="muted">—</span>}
                  </td>
                  <td data-testid="last-reported">
                    {fresh ? formatInstant(fresh.last_pushed_at) : '—'}
                    {fresh?.last_period_end && <div className="muted">data until {formatInstant(fresh.last_period_end)}</div>}
                    {stale && <span className="badge">stale</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
