import { useMemo } from 'react';
import { useQuery, type UseQueryOptions } from '@tanstack/react-query';
import { usageGroupField, usageProcedures, type UsageAnswer } from '@acc/contracts';
import { restUrl } from '../lib/rest';
import { dayAfter, type resolveRange } from '../lib/search';
import { useTRPC } from '../lib/trpc';
import { CsvButton } from './Downloads';
import { StackedChart } from './StackedChart';
import { UsageTotals } from './UsageTotals';
import { Empty, ErrorMessage, Loading } from './states';

type Range = ReturnType<typeof resolveRange>;

/** Whose installations a usage query covers: a project, a provider within a project, or a provider everywhere. */
export type UsageScope =
  | { kind: 'project'; project_id: string }
  | { kind: 'projectProvider'; project_id: string; provider_id: string }
  | { kind: 'provider'; provider_id: string };

export type StackKey = 'provider' | 'installation' | 'project';
type UsageInput = {
  start: string;
  end: string;
  window: Range['window'] | 'total';
  tz: string;
  group_by: ('provider' | 'installation' | 'project' | 'group_id' | 'user_id')[];
};

const contractOf = (scope: UsageScope) => usageProcedures[scope.kind];
const idsOf = (scope: UsageScope) =>
  scope.kind === 'project'
    ? { project_id: scope.project_id }
    : scope.kind === 'provider'
      ? { provider_id: scope.provider_id }
      : { project_id: scope.project_id, provider_id: scope.provider_id };

/** The scope's usage for an input, through the scope's own procedure (usage.project, …). */
function useScopeUsage(scope: UsageScope, input: UsageInput) {
  const trpc = useTRPC();
  const options =
    scope.kind === 'project'
      ? trpc.usage.project.queryOptions({ project_id: scope.project_id, ...input })
      : scope.kind === 'provider'
        ? trpc.usage.provider.queryOptions({ provider_id: scope.provider_id, ...input })
        : trpc.usage.projectProvider.queryOptions({ project_id: scope.project_id, provider_id: scope.provider_id, ...input });
  // The three procedures answer the same shape; only their inputs differ.
  return useQuery(options as unknown as UseQueryOptions<UsageAnswer, Error, UsageAnswer, readonly unknown[]>);
}

const usageInput = (range: Range, group_by: UsageInput['group_by'], window: UsageInput['window'] = range.window): UsageInput => ({
  start: range.start,
  end: dayAfter(range.end),
  window,
  tz: range.tz,
  group_by,
});

/** Stacked usage over time by one group key: one chart per metric definition, the API's CSV beside it. */
export function StackedUsage({
  scope,
  range,
  by,
  title,
  names,
}: {
  scope: UsageScope;
  range: Range;
  by: StackKey;
  title: string;
  names: Record<string, string>;
}) {
  const input = usageInput(range, [by]);
  const usage = useScopeUsage(scope, input);
  const definitions = useMemo(() => {
    const byDefinition = new Map<string, UsageAnswer['series']>();
    for (const s of usage.data?.series ?? []) byDefinition.set(s.metric_definition_id, [...(byDefinition.get(s.metric_definition_id) ?? []), s]);
    return [...byDefinition.values()];
  }, [usage.data]);
  return (
    <section aria-label={title} data-testid={`stacked-${by}`}>
      <h3>{title}</h3>
      <CsvButton label={`Download usage by ${by} CSV`} name={`usage-by-${by}.csv`} path={restUrl(contractOf(scope), { ...idsOf(scope), ...input })} />
      {usage.isPending ? (
        <Loading what={`usage by ${by}`} />
      ) : usage.isError ? (
        <ErrorMessage error={usage.error} />
      ) : definitions.length === 0 ? (
        <Empty>No usage in this range.</Empty>
      ) : (
        definitions.map((series) => (
          <StackedChart key={series[0].metric_definition_id} by={by} field={usageGroupField[by]} series={series} names={names} />
        ))
      )}
    </section>
  );
}

/** The range's totals per group and per user (window `total`). */
export function GroupAndUserTotals({ scope, range }: { scope: UsageScope; range: Range }) {
  const groups = useScopeUsage(scope, usageInput(range, ['group_id'], 'total'));
  const users = useScopeUsage(scope, usageInput(range, ['user_id'], 'total'));
  return (
    <div className="split">
      <UsageTotals usage={groups} by="group_id" title="By group" />
      <UsageTotals usage={users} by="user_id" title="By user" />
    </div>
  );
}
