import { useEffect, useRef } from 'react';
import { echarts } from './echarts';
import { saveBlob } from './download';

declare global {
  interface Window {
    /** The charts on the page by key: tests read what is plotted from here, not from pixels. */
    __accCharts?: Record<string, echarts.ECharts>;
  }
}

/**
 * An ECharts instance on a div, registered under `key` in `window.__accCharts` while mounted, resized
 * with the window, and redrawn (`notMerge`) whenever `option` changes.
 */
export function useChart(key: string, option: echarts.EChartsCoreOption) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | undefined>(undefined);
  const latest = useRef(option);
  latest.current = option;

  useEffect(() => {
    const instance = echarts.init(ref.current, undefined, { renderer: 'canvas' });
    chart.current = instance;
    (window.__accCharts ??= {})[key] = instance;
    instance.setOption(latest.current, { notMerge: true });
    const resize = () => instance.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      if (window.__accCharts?.[key] === instance) delete window.__accCharts[key];
      instance.dispose();
    };
  }, [key]);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  /** ECharts' own image export, saved as a PNG file. */
  const exportPng = (name: string) => {
    const url = chart.current!.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' });
    // Decoded here rather than fetched: the page's CSP allows no data: connections.
    const bytes = Uint8Array.from(atob(url.slice(url.indexOf(',') + 1)), (c) => c.charCodeAt(0));
    saveBlob(new Blob([bytes], { type: 'image/png' }), `${name.replace(/\W+/g, '-')}.png`);
  };

  return { ref, exportPng };
}
