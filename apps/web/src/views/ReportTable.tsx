import { formatNumber, usageLevel } from '../lib/format';

interface Period {
  from: string;
  to: string;
  total_value: number;
  capacity_value?: number;
  usage_percentage?: number;
}
interface DefinitionReport {
  metric_definition_id: string;
  metric_name: string;
  unit_type: string;
  periods: Period[];
}

/** The ARGO report: one row per definition and period, usage against the capacity of that period. */
export function ReportTable({ data, caption }: { data: DefinitionReport[]; caption: string }) {
  if (data.length === 0) return <p className="state empty">No metrics in this range.</p>;
  return (
    <table data-testid="report">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Metric</th>
          <th scope="col">From</th>
          <th scope="col">To</th>
          <th scope="col">Total</th>
          <th scope="col">Capacity</th>
          <th scope="col">Usage</th>
        </tr>
      </thead>
      <tbody>
        {data.flatMap((d) =>
          d.periods.map((p) => (
            <tr key={`${d.metric_definition_id}-${p.from}`}>
              <th scope="row">
                {d.metric_name} <span className="muted">({d.unit_type})</span>
              </th>
              <td>{p.from}</td>
              <td>{p.to}</td>
              <td className="num">{formatNumber(p.total_value)}</td>
              <td className="num">{formatNumber(p.capacity_value)}</td>
              <td className={`num level-${usageLevel(p.usage_percentage)}`}>
                {p.usage_percentage === undefined ? '—' : `${formatNumber(p.usage_percentage)} %`}
              </td>
            </tr>
          )),
        )}
      </tbody>
    </table>
  );
}
