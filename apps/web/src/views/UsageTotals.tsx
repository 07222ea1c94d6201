import type { UsageAnswer } from '@acc/contracts';
import { formatNumber } from '../lib/format';
import { Empty, ErrorMessage, Loading } from './states';

interface UsageResult {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data?: UsageAnswer;
}

/** Totals of a range per group or per user (a `window=total` answer): one row per definition and owner. */
export function UsageTotals({ usage, by, title }: { usage: UsageResult; by: 'group_id' | 'user_id'; title: string }) {
  if (usage.isPending) return <Loading what={title.toLowerCase()} />;
  if (usage.isError || !usage.data) return <ErrorMessage error={usage.error} />;
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
          <tr key={`${s.metric_definition_id}-${s.group[by] ?? ''}`} data-owner={s.group[by] ?? ''} data-definition={s.metric_definition_id}>
            <td>{s.group[by] ?? <span className="muted">none</span>}</td>
            <td>
              {s.metric_name} <span className="muted">({s.unit_type})</span>
            </td>
            <td className="num" data-total={s.total ?? ''}>
              {formatNumber(s.total)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
