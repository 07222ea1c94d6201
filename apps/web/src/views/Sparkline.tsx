/** A 30-day trend in a few hundred bytes of SVG: the overview loads no chart library for it. */
export function Sparkline({ values, label }: { values: number[]; label: string }) {
  const width = 100;
  const height = 24;
  if (values.length < 2) return <span className="muted">—</span>;
  const max = Math.max(...values);
  const min = Math.min(...values, 0);
  const span = max - min || 1;
  const points = values
    .map((v, i) => `${((i / (values.length - 1)) * width).toFixed(1)},${(height - ((v - min) / span) * (height - 2) - 1).toFixed(1)}`)
    .join(' ');
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <polyline points={points} fill="none" stroke="#1f77b4" strokeWidth="1.5" />
    </svg>
  );
}
