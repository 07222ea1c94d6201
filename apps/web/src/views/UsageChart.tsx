import { useEffect, useMemo, useRef } from 'react';
import { echarts } from '../lib/echarts';
import { saveBlob } from '../lib/download';

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

declare global {
  interface Window {
    /** The charts on the page by metric definition id: tests read what is plotted from here, not from pixels. */
    __accCharts?: Record<string, echarts.ECharts>;
  }
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
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | undefined>(undefined);
  const id = series.metric_definition_id;
  const steps = useMemo(() => capacitySteps(capacities, id, start, end), [capacities, id, start, end]);

  useEffect(() => {
    const el = ref.current!;
    const instance = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = instance;
    (window.__accCharts ??= {})[id] = instance;
    const resize = () => instance.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      if (window.__accCharts?.[id] === instance) delete window.__accCharts[id];
      instance.dispose();
    };
  }, [id]);

  useEffect(() => {
    chart.current?.setOption(
      {
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
      },
      { notMerge: true },
    );
  }, [series, steps]);

  const exportPng = () => {
    const url = chart.current!.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' });
    // Decoded here rather than fetched: the page's CSP allows no data: connections.
    const bytes = Uint8Array.from(atob(url.slice(url.indexOf(',') + 1)), (c) => c.charCodeAt(0));
    saveBlob(new Blob([bytes], { type: 'image/png' }), `usage-${series.metric_name.replace(/\W+/g, '-')}.png`);
  };

  return (
    <figure className="usage-chart" data-definition={id}>
      <figcaption>
        {series.metric_name} <span className="muted">({series.unit_type})</span>{' '}
        <button type="button" onClick={exportPng}>
          Download PNG
        </button>
      </figcaption>
      <div ref={ref} className="chart" role="img" aria-label={`Usage of ${series.metric_name} over time`} />
    </figure>
  );
}
