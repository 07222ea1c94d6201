import type { EntityManager } from 'typeorm';

const count = async (m: EntityManager, sql: string, params: unknown[]): Promise<number> => {
  const rows: { n: string | number }[] = await m.query(sql, params);
  return Number(rows[0]?.n ?? 0);
};

export class AdminCountsRepository {
  constructor(private readonly m: EntityManager) {}

  definitionsCreatedBetween(from: Date, to: Date): Promise<number> {
    return count(this.m, 'SELECT count(*) AS n FROM metric_definitions WHERE created_at >= $1 AND created_at <= $2', [from, to]);
  }

  metricsCreatedBetween(from: Date, to: Date): Promise<number> {
    return count(this.m, 'SELECT count(*) AS n FROM metrics WHERE created_at >= $1 AND created_at <= $2', [from, to]);
  }

  actorsRegisteredBy(until: Date): Promise<number> {
    return count(this.m, 'SELECT count(*) AS n FROM actors WHERE registered_on <= $1', [until]);
  }
}
