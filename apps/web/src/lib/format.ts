const numberFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
export const formatNumber = (n: number | null | undefined) => (n === null || n === undefined ? '—' : numberFormat.format(n));

/** green < 80 %, amber < 100 %, red ≥ 100 % (the spec's thresholds). */
export const usageLevel = (percent: number | undefined): 'none' | 'ok' | 'warn' | 'over' =>
  percent === undefined ? 'none' : percent < 80 ? 'ok' : percent < 100 ? 'warn' : 'over';

export const formatInstant = (iso: string | null | undefined) =>
  iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : 'never';
