import { useQuery, type UseQueryOptions } from '@tanstack/react-query';
import { useTRPC } from '../lib/trpc';
import { Empty, ErrorMessage, Loading } from './states';

const PAGE = { page: 1, size: 100 };

interface Listing {
  content: Record<string, unknown>[];
  total_elements: number;
}

const cell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
};

/** One catalogue listing: the first page as the API returns it, every scalar field a column. */
function Listing({ title, query }: { title: string; query: UseQueryOptions<Listing, Error, Listing, readonly unknown[]> }) {
  const result = useQuery(query);
  const slug = title.toLowerCase().replace(/\W+/g, '-');
  return (
    <section aria-labelledby={`cat-${slug}`}>
      <h2 id={`cat-${slug}`}>{title}</h2>
      {result.isPending ? (
        <Loading what={title.toLowerCase()} />
      ) : result.isError ? (
        <ErrorMessage error={result.error} />
      ) : result.data.content.length === 0 ? (
        <Empty>None.</Empty>
      ) : (
        <Table rows={result.data.content} total={result.data.total_elements} slug={slug} />
      )}
    </section>
  );
}

function Table({ rows, total, slug }: { rows: Record<string, unknown>[]; total: number; slug: string }) {
  const columns = Object.keys(rows[0]).filter((k) => rows.some((r) => typeof r[k] !== 'object' || r[k] === null));
  return (
    <table data-testid={`catalogue-${slug}`}>
      <caption>
        {rows.length} of {total}
      </caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c} scope="col">
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, n) => (
          <tr key={cell(r.id ?? r.metric_definition_id ?? n)}>
            {columns.map((c) => (
              <td key={c}>{cell(r[c])}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The catalogue (system admins): definitions, types, providers, projects, entitlements and actors. Others see the server's 403. */
export function Catalogue() {
  const trpc = useTRPC();
  const as = (options: unknown) => options as UseQueryOptions<Listing, Error, Listing, readonly unknown[]>;
  return (
    <section aria-labelledby="catalogue-title">
      <h1 id="catalogue-title">Catalogue</h1>
      <Listing title="Metric definitions" query={as(trpc.metricDefinitions.list.queryOptions(PAGE))} />
      <Listing title="Unit types" query={as(trpc.unitTypes.list.queryOptions(PAGE))} />
      <Listing title="Metric types" query={as(trpc.metricTypes.list.queryOptions(PAGE))} />
      <Listing title="Providers" query={as(trpc.providers.list.queryOptions(PAGE))} />
      <Listing title="Projects" query={as(trpc.projects.listAll.queryOptions(PAGE))} />
      <Listing title="Entitlements" query={as(trpc.entitlements.list.queryOptions(PAGE))} />
      <Listing title="Actors" query={as(trpc.actors.list.queryOptions(PAGE))} />
    </section>
  );
}
