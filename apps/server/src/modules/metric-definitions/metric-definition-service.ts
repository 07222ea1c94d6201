import type { DataSource, EntityManager } from 'typeorm';
import { metricDefinitionMessages as m, type PageQuery } from '@acc/contracts';
import { newObjectId, type MetricDefinitionRow } from '@acc/db';
import { isForeignKeyViolation, isUniqueViolation } from '../../db-errors.js';
import { conflict, notFound } from '../../errors.js';
import { offsetOf } from '../../paging.js';
import type { Criterion } from '../../search/index.js';
import { MetricDefinitionRepository, type MetricDefinitionPatch } from './metric-definition-repository.js';

export interface NewMetricDefinition {
  metricName: string;
  metricDescription?: string;
  unitType: string;
  metricType: string;
}

/** Metric definitions (§4.2): type references, case-insensitive uniqueness, and the in-use guard. */
export class MetricDefinitionService {
  constructor(private readonly db: DataSource) {}

  private repo(manager: EntityManager = this.db.manager) {
    return new MetricDefinitionRepository(manager);
  }

  async list(q: PageQuery) {
    const [rows, total] = await this.repo().page(offsetOf(q), q.size);
    return { rows, total };
  }

  async search(criterion: Criterion, q: PageQuery) {
    const [rows, total] = await this.repo().search(criterion, offsetOf(q), q.size);
    return { rows, total };
  }

  /** Also for other modules that reference a definition by id (metrics, capacities, installations). */
  async get(id: string, manager?: EntityManager): Promise<MetricDefinitionRow> {
    const row = await this.repo(manager).findById(id);
    if (!row) throw notFound(m.notFound(id));
    return row;
  }

  async create(creatorId: string, input: NewMetricDefinition): Promise<MetricDefinitionRow> {
    const duplicate = (existing: MetricDefinitionRow) => conflict(m.exists(input.unitType, input.metricName, existing.id));
    try {
      return await this.db.transaction(async (tx) => {
        const repo = this.repo(tx);
        await this.assertTypes(repo, input.unitType, input.metricType);
        const existing = await repo.findByUnitAndName(input.unitType, input.metricName);
        if (existing) throw duplicate(existing);
        return repo.insert({
          id: newObjectId(),
          metricName: input.metricName,
          metricDescription: input.metricDescription ?? null,
          unitType: input.unitType,
          metricType: input.metricType,
          creatorId,
        });
      });
    } catch (err) {
      // A concurrent create of the same pair loses on the expression index: answer as if we had seen it first.
      if (isUniqueViolation(err)) {
        const existing = await this.repo().findByUnitAndName(input.unitType, input.metricName);
        if (existing) throw duplicate(existing);
      }
      throw err;
    }
  }

  async update(id: string, patch: Partial<NewMetricDefinition>): Promise<MetricDefinitionRow> {
    try {
      return await this.db.transaction(async (tx) => {
        const repo = this.repo(tx);
        const row = await repo.findById(id);
        if (!row) throw notFound(m.notFound(id));
        await this.assertTypes(repo, patch.unitType, patch.metricType);
        if (await repo.hasMetrics(id)) throw conflict(m.inUseUpdate);
        const other = await repo.findByUnitAndName(patch.unitType ?? row.unitType, patch.metricName ?? row.metricName);
        if (other && other.id !== id) throw conflict(m.combinationTaken);
        const changes: MetricDefinitionPatch = {};
        if (patch.metricName !== undefined) changes.metricName = patch.metricName;
        if (patch.metricDescription !== undefined) changes.metricDescription = patch.metricDescription;
        if (patch.unitType !== undefined) changes.unitType = patch.unitType;
        if (patch.metricType !== undefined) changes.metricType = patch.metricType;
        return repo.update(id, changes);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(m.combinationTaken);
      // A metric pushed between our check and the update cannot block an UPDATE, so only DELETE needs the FK case.
      throw err;
    }
  }

  async delete(id: string): Promise<void> {
    try {
      await this.db.transaction(async (tx) => {
        const repo = this.repo(tx);
        if (!(await repo.findById(id))) throw notFound(m.notFound(id));
        if (await repo.hasMetrics(id)) throw conflict(m.inUseDelete);
        await repo.delete(id);
      });
    } catch (err) {
      // A metric pushed between the check and the delete trips the foreign key: same answer as the check.
      if (isForeignKeyViolation(err)) throw conflict(m.inUseDelete);
      throw err;
    }
  }

  /** Types are matched case-insensitively; the definition keeps the value as sent (§2.5). */
  private async assertTypes(repo: MetricDefinitionRepository, unitType: string | undefined, metricType: string | undefined) {
    if (unitType !== undefined && !(await repo.unitTypeExists(unitType))) throw notFound(m.noUnitType(unitType));
    if (metricType !== undefined && !(await repo.metricTypeExists(metricType))) throw notFound(m.noMetricType(metricType));
  }
}
