import { usageGroupField, type UsageAggregation, type UsageQuery, type UsageSeries } from '@acc/contracts';
import { formatInstant } from '../metrics/instants.js';
import { sumDecimals } from '../reports/decimal.js';
import type { UsageDefinition } from './usage-repository.js';
import type { UsageCell } from './usage-source.js';

/** Cells of one window, or of a whole series, combined: sums stay exact decimal text. */
interface Combined {
  total: string;
  count: number;
  min: number;
  max: number;
}

/**
 * Σ of decimal texts, exactly. A series sums hundreds of window totals, and BigInt parsing of each was a
 * visible part of an answer's time, so texts of at most 6 decimals whose scaled values stay below 2^51
 * are added as integers in a double (exact there); anything else goes through `sumDecimals`.
 */
export function exactSum(texts: readonly string[]): string {
  let scale = 0;
  for (const t of texts) {
    if (t.includes('e') || t.includes('E')) return sumDecimals(texts);
    const dot = t.indexOf('.');
    if (dot >= 0) scale = Math.max(scale, t.length - dot - 1);
  }
  if (scale > 6) return sumDecimals(texts);
  const factor = 10 ** scale;
  let units = 0;
  for (const t of texts) {
    const v = Math.round(Number(t) * factor);
    units += v;
    if (!(Math.abs(v) < 2 ** 51) || !(Math.abs(units) < 2 ** 51)) return sumDecimals(texts);
  }
  const digits = String(Math.abs(units)).padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  const text = fraction ? `${whole}.${fraction}` : whole;
  return units < 0 ? `-${text}` : text;
}

const combine = (cells: readonly Combined[]): Combined => ({
  total: exactSum(cells.map((c) => c.total)),
  count: cells.reduce((n, c) => n + c.count, 0),
  min: cells.reduce((n, c) => Math.min(n, c.min), Infinity),
  max: cells.reduce((n, c) => Math.max(n, c.max), -Infinity),
});

/** §1: avg is the exact sum divided by the count. */
function valueOf(a: UsageAggregation, c: Combined): number {
  switch (a) {
    case 'sum':
      return Number(c.total);
    case 'count':
      return c.count;
    case 'avg':
      return Number(c.total) / c.count;
    case 'min':
      return c.min;
    case 'max':
      return c.max;
  }
}

/** A window without metrics under `fill=zero`: 0 for sum and count, null otherwise. */
const emptyValue = (a: UsageAggregation) => (a === 'sum' || a === 'count' ? 0 : null);

/** Ascending, nulls last; plain code-unit order, the same on every backend. */
function compareKeys(a: readonly (string | null)[], b: readonly (string | null)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * One series per (definition, group values) with at least one metric in range, ordered by definition id
 * then group values (nulls last); points by time, every window under `fill=zero`, only windows with
 * metrics under `fill=none`.
 */
export function buildSeries(
  cells: readonly UsageCell[],
  definitions: readonly UsageDefinition[],
  bounds: readonly number[],
  q: Pick<UsageQuery, 'aggregation' | 'fill' | 'group_by'>,
): UsageSeries[] {
  const byKey = new Map<string, UsageCell[]>();
  for (const c of cells) {
    // NUL cannot occur in stored text, so it separates key parts unambiguously; null is marked apart from ''.
    let key = c.definitionId;
    for (const g of c.group) key += g === null ? '\u0000\u0001' : `\u0000${g}`;
    const list = byKey.get(key);
    if (list) list.push(c);
    else byKey.set(key, [c]);
  }
  const definitionOf = new Map(definitions.map((d) => [d.id, d]));
  // Each boundary is formatted once, not once per point of every series.
  const instants = bounds.map((b) => formatInstant(new Date(b)));
  const windowCount = bounds.length - 1;
  const series = [...byKey.values()].map((list) => {
    const { definitionId, group } = list[0];
    // A source answers one cell per (series, window); several are merged all the same.
    const windows: (Combined | undefined)[] = new Array<Combined | undefined>(windowCount);
    for (const c of list) {
      const seen = windows[c.window];
      windows[c.window] = seen ? combine([c, seen]) : c;
    }
    const points = [];
    for (let i = 0; i < windowCount; i++) {
      const combined = windows[i];
      if (!combined && q.fill !== 'zero') continue;
      points.push({
        start: instants[i],
        end: instants[i + 1],
        value: combined ? valueOf(q.aggregation, combined) : emptyValue(q.aggregation),
        count: combined?.count ?? 0,
      });
    }
    const whole = combine(list);
    const definition = definitionOf.get(definitionId);
    return {
      key: [definitionId, ...group],
      series: {
        metric_definition_id: definitionId,
        metric_name: definition?.metric_name ?? '',
        unit_type: definition?.unit_type ?? '',
        metric_type: definition?.metric_type ?? '',
        group: Object.fromEntries(q.group_by.map((k, i) => [usageGroupField[k], group[i]])),
        total: valueOf(q.aggregation, whole),
        count: whole.count,
        points,
      },
    };
  });
  return series.sort((a, b) => compareKeys(a.key, b.key)).map((s) => s.series);
}
