import { useMemo } from 'react';
import { useChart } from '../lib/chart';

export interface ChartSeries {
  metric_definition_id: string;
  metric_name: string;
  unit_type: string;
  points: { start: string; end: string; value: number | null }[];
}
export interface Capacity {
  metric_definition_id: string;
  value: number;
  registered_on: string;
}

/** The capacity in force over [start, end): a step that changes where a capacity was registered. */
export function capacitySteps(capacities: Capacity[], definitionId: string, start: string, end: string): [string, number][] {
  const mine = capacities.filter((c) => c.metric_definition_id === definitionId).sort((a, b) => (a.registered_on < b.registered_on ? -1 : 1));
  const steps: [string, number][] = [];
  const before = mine.filter((c) => c.registered_on <= start).pop();
  if (before) steps.push([start, before.value]);
  for (const c of mine) if (c.registered_on > start && c.registered_on < end) steps.push([c.registered_on, c.value]);
  if (steps.length > 0) steps.push([end, steps[steps.length - 1][1]]);
  return steps;
}

/** One definition's usage per window, with its capacity as a step line on a second axis; PNG export. */
export function UsageChart({ series, capacities, start, end }: { series: ChartSeries; capacities: Capacity[]; start: string; end: string }) {
  const id = series.metric_definition_id;
  const steps = useMemo(() => capacitySteps(capacities, id, start, end), [capacities, id, start, end]);
  const option = useMemo(
    () => ({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 70, right: steps.length ? 90 : 20, top: 35, bottom: 60 },
      xAxis: { type: 'time' },
      yAxis: [
        { type: 'value', name: series.unit_type, nameTextStyle: { align: 'left' } },
        ...(steps.length ? [{ type: 'value' as const, name: 'capacity', splitLine: { show: false } }] : []),
      ],
      dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }],
      series: [
        {
          id: 'usage',
          name: series.metric_name,
          type: 'line',
          showSymbol: series.points.length < 60,
          areaStyle: { opacity: 0.15 },
          data: series.points.map((p) => [p.start, p.value]),
        },
        ...(steps.length
          ? [
              {
                id: 'capacity',
                name: 'Capacity',
                type: 'line' as const,
                step: 'end' as const,
                yAxisIndex: 1,
                showSymbol: false,
                lineStyle: { type: 'dashed' as const },
                data: steps,
              },
            ]
          : []),
      ],
    }),
    [series, steps],
  );
  const { ref, exportPng } = useChart(id, option);

  return (
    <figure className="usage-chart" data-definition={id}>
      <figcaption>
        {series.metric_name} <span className="muted">({series.unit_type})</span>{' '}
        <button type="button" aria-label={`Download PNG of ${series.metric_name}`} onClick={() => exportPng(`usage-${series.metric_name}`)}>
          Download PNG
        </button>
      </figcaption>
      <div ref={ref} className="chart" role="img" aria-label={`Usage of ${series.metric_name} over time`} />
    </figure>
  );
}
