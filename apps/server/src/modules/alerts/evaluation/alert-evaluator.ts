import type { DataSource } from 'typeorm';
import { calendarWindowAt, type Calendar } from '../../usage/windows.js';
import { EvaluationRepository, type EvaluatedRule } from './evaluation-repository.js';
import { evaluateRule } from './transitions.js';

export type Clock = () => Date;

/**
 * Alert evaluation (alerts.md §2). Writes that may move a rule's value leave a marker in their own
 * transaction (triggers, migration AlertEvaluations); `evaluateDue` then claims the markers, locks the
 * rules concerned, re-measures them and writes the resulting events, all in one transaction, so markers
 * and events are consumed and created together and every evaluation sees every write committed before
 * its marker was claimed. `sweep` handles what time alone changes: a capacity coming into force, a new
 * calendar window, silence. Runs on one instance at a time are serialized here; several instances
 * serialize on the rule locks.
 */
export class AlertEvaluator {
  private chain: Promise<unknown> = Promise.resolve();
  /** When the last sweep measured: what time changed since then is what the next one looks at. */
  private lastSweep: Date | undefined;
  /** Set by the job registry: asks for an evaluation soon (after a rule change). */
  onDue: () => void = () => {};
  /** Told after an evaluation committed new events: the job registry may nudge the webhook dispatcher. */
  onEvents: () => void = () => {};

  constructor(
    private readonly db: DataSource,
    readonly now: Clock = () => new Date(),
  ) {}

  /** A rule was created or changed (its marker is committed already): evaluate soon. */
  ruleChanged(): void {
    this.onDue();
  }

  /** Claims the committed markers and evaluates what they name; resolves when its transaction committed. */
  evaluateDue(): Promise<void> {
    return this.serialized(async () => {
      if (!(await new EvaluationRepository(this.db.manager).anyDue())) return;
      const sent = await this.db.transaction(async (m) => {
        const repo = new EvaluationRepository(m);
        const due = await repo.claimDue();
        const rules = await repo.lockRules(due.installationIds, due.ruleIds);
        const now = this.now();
        let events = 0;
        for (const rule of rules) events += await evaluateRule(m, rule, now);
        return events;
      });
      if (sent > 0) this.onEvents();
    });
  }

  /**
   * The time-driven pass (at least every minute): every enabled silence rule; usage rules whose calendar
   * window changed since the last sweep; capacity rules over installations where a capacity came into
   * force since then. The first sweep of a process takes every enabled rule (it may have been down
   * across a boundary); measuring is idempotent, so sweeping a rule twice sends nothing twice.
   */
  sweep(): Promise<void> {
    return this.serialized(async () => {
      const now = this.now();
      const last = this.lastSweep;
      const sent = await this.db.transaction(async (m) => {
        const repo = new EvaluationRepository(m);
        const rules = await repo.lockEnabled(['capacity', 'usage', 'silence']);
        const changed = last && new Set(await repo.capacityChangesBetween(last, now));
        let events = 0;
        for (const rule of rules) {
          if (last && changed && !(await this.mayHaveRolledOver(repo, rule, last, now, changed))) continue;
          events += await evaluateRule(m, rule, now);
        }
        return events;
      });
      this.lastSweep = now;
      if (sent > 0) this.onEvents();
    });
  }

  private async mayHaveRolledOver(repo: EvaluationRepository, rule: EvaluatedRule, last: Date, now: Date, changed: Set<string>): Promise<boolean> {
    if (rule.kind === 'silence') return true;
    if (rule.kind === 'usage') {
      const window = rule.usageWindow as Calendar;
      const tz = rule.tz ?? 'UTC';
      return calendarWindowAt(last.getTime(), window, tz).start !== calendarWindowAt(now.getTime(), window, tz).start;
    }
    if (changed.size === 0) return false;
    return (await repo.installationsInScope(rule)).some((id) => changed.has(id));
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(task, task);
    this.chain = run.catch(() => {});
    return run;
  }
}
