import type { DataSource } from 'typeorm';
import { adminCountMessages, type AdminCounts } from '@acc/contracts';
import { badRequest } from '../../errors.js';
import { AdminCountsRepository } from './admin-counts-repository.js';

const midnightUtc = (date: string) => new Date(`${date}T00:00:00.000Z`);
const lastMillisecondUtc = (date: string) => new Date(`${date}T23:59:59.999Z`);

/**
 * §4.12 counts. The windows are the spec's, asymmetric on purpose: definitions and metrics created in
 * [startDate 00:00, endDate 00:00] UTC, actors registered up to the end of endDate.
 */
export class AdminCountsService {
  constructor(private readonly db: DataSource) {}

  async counts(startDate: string, endDate: string): Promise<AdminCounts> {
    if (startDate > endDate) throw badRequest(adminCountMessages.invalidRange);
    const from = midnightUtc(startDate);
    const to = midnightUtc(endDate);
    const repo = new AdminCountsRepository(this.db.manager);
    return {
      metric_definition_count: await repo.definitionsCreatedBetween(from, to),
      metric_count: await repo.metricsCreatedBetween(from, to),
      actor_count: await repo.actorsRegisteredBy(lastMillisecondUtc(endDate)),
    };
  }
}
