import { useMemo } from 'react';
import type { UsageSeries } from '@acc/contracts';
import { useChart } from '../lib/chart';

/**
 * One definition's usage per window, one stacked area per group value (provider, installation or project),
 * plotting the usage API's series as they come. Registered as `<by>:<definition id>`, each series under
 * its group value as id.
 */
export function StackedChart({
  by,
  field,
  series,
  names,
}: {
  by: string;
  field: string;
  series: UsageSeries[];
  /** Display names by group value (installation names); a value without one is shown as it is. */
  names: Record<string, string>;
}) {
  const first = series[0];
  const option = useMemo(
    () => ({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 70, right: 20, top: 35, bottom: 60 },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', name: first.unit_type, nameTextStyle: { align: 'left' } },
      dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }],
      series: series.map((s) => ({
        id: String(s.group[field]),
        name: s.group[field] === null ? 'none' : (names[s.group[field]] ?? s.group[field]),
        type: 'line',
        stack: 'total',
        areaStyle: { opacity: 0.5 },
        showSymbol: false,
        data: s.points.map((p) => [p.start, p.value]),
      })),
    }),
    [series, field, names, first.unit_type],
  );
  const { ref, exportPng } = useChart(`${by}:${first.metric_definition_id}`, option);
  return (
    <figure className="usage-chart" data-definition={first.metric_definition_id} data-by={by}>
      <figcaption>
        {first.metric_name} <span className="muted">({first.unit_type})</span>{' '}
        <button
          type="button"
          aria-label={`Download PNG of ${first.metric_name} by ${by}`}
          onClick={() => exportPng(`usage-by-${by}-${first.metric_name}`)}
        >
          Download PNG
        </button>
      </figcaption>
      <div ref={ref} className="chart" role="img" aria-label={`Usage of ${first.metric_name} by ${by}, stacked`} />
    </figure>
  );
}
