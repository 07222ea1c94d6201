import type { EntityManager } from 'typeorm';
import { sumDecimals } from '../../reports/decimal.js';
import { periodSums } from '../../rollups/rollup-period-sums.js';
import { RollupWindowRepository } from '../../rollups/rollup-window-repository.js';
import { calendarWindowAt, type Calendar } from '../../usage/windows.js';
import { EvaluationRepository, type CapacityAt, type EvaluatedRule } from './evaluation-repository.js';

/** A capacity or usage rule's measured value now, and the period it was measured in. */
export interface Measurement {
  value: number;
  /** Capacity rules: the capacities in force, added up (exact decimal text). */
  capacity?: string;
  periodStart: Date;
  /** Absent while the period is open (no later capacity registered yet). */
  periodEnd?: Date;
}

/**
 * The end of a capacity period no later capacity closes: the sum covers every metric from the period's
 * start on, as an installation report with an end date far in the future would.
 */
const OPEN_END = new Date(Date.UTC(9999, 11, 31));

/** One installation's capacity period in force at `now`: its capacity, start and (if registered already) end. */
function inForce(caps: readonly CapacityAt[], now: Date): { cap: CapacityAt; end?: Date } | undefined {
  let current: CapacityAt | undefined;
  for (const c of caps) {
    if (c.registeredOn > now) return current && { cap: current, end: c.registeredOn };
    current = c;
  }
  return current && { cap: current };
}

/**
 * `capacity` (alerts.md §1): usage of the definition in the capacity period in force now, over that
 * period's capacity, × 100. The period and its sum are the installation report's (`periodSums`, the
 * same rounding); a wider scope adds up its installations' sums and capacities. Undefined (the rule is
 * idle) when no installation in scope has a non-zero capacity in force.
 */
export async function measureCapacity(m: EntityManager, rule: EvaluatedRule, now: Date): Promise<Measurement | undefined> {
  const repo = new EvaluationRepository(m);
  const definitionId = rule.metricDefinitionId!;
  const installations = await repo.installationsInScope(rule);
  if (installations.length === 0) return undefined;
  const byInstallation = new Map<string, CapacityAt[]>();
  for (const c of await repo.capacities(installations, definitionId)) {
    const list = byInstallation.get(c.installationId) ?? [];
    list.push(c);
    byInstallation.set(c.installationId, list);
  }
  const periods = [...byInstallation.values()].flatMap((caps) => {
    const p = inForce(caps, now);
    return p ? [p] : [];
  });
  if (periods.length === 0) return undefined;
  const capacity = sumDecimals(periods.map((p) => p.cap.value));
  if (Number(capacity) === 0) return undefined;
  const totals = await periodSums(
    m,
    periods.map((p) => ({ installationId: p.cap.installationId, definitionId, from: p.cap.registeredOn, to: p.end ?? OPEN_END })),
    {},
  );
  const value = Number(await repo.percentage(sumDecimals(totals), capacity));
  // Across installations the combination holds since its latest start, until its earliest end.
  const periodStart = new Date(Math.max(...periods.map((p) => p.cap.registeredOn.getTime())));
  const ends = periods.flatMap((p) => (p.end ? [p.end.getTime()] : []));
  return { value, capacity, periodStart, ...(ends.length > 0 && { periodEnd: new Date(Math.min(...ends)) }) };
}

/**
 * `usage` (alerts.md §1): Σ value of the definition's metrics whose `time_period_start` lies in the
 * current calendar window in the rule's zone (the usage API's rule and window maths), from the rollups.
 */
export async function measureUsage(m: EntityManager, rule: EvaluatedRule, now: Date): Promise<Measurement> {
  const { start, end } = calendarWindowAt(now.getTime(), rule.usageWindow as Calendar, rule.tz ?? 'UTC');
  const periodStart = new Date(start);
  const periodEnd = new Date(end);
  const installationIds = await new EvaluationRepository(m).installationsInScope(rule);
  const rows = await new RollupWindowRepository(m).windows({
    installationIds,
    definitionIds: [rule.metricDefinitionId!],
    boundaries: [periodStart, periodEnd],
  });
  return { value: Number(sumDecimals(rows.map((r) => r.total))), periodStart, periodEnd };
}
