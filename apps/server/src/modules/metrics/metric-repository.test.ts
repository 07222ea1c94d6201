import type { EntityManager } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { INSERT_CHUNK, MetricRepository, type MetricOwner } from './metric-repository.js';

const owner: MetricOwner = {
  installationId: 'i',
  projectId: 'P',
  providerId: 'prov',
  projectAcronym: 'ACR',
  installationName: 'INST',
  infrastructure: null,
  resource: null,
  resourceId: 'P.prov.i',
  creatorId: 'me',
};

const metrics = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `m${i}`,
    metricDefinitionId: 'd',
    timePeriodStart: new Date(0),
    timePeriodEnd: new Date(1),
    value: i,
    groupId: null,
    userId: null,
  }));

/** Records the statements instead of running them. */
const recorder = () => {
  const calls: { sql: string; params: unknown[] }[] = [];
  const m = { query: async (sql: string, params: unknown[]) => void calls.push({ sql, params }) } as unknown as EntityManager;
  return { calls, repo: new MetricRepository(m) };
};

describe('MetricRepository.insertMany', () => {
  it('uses one multi-row INSERT per chunk, within the 65535 bind-parameter limit', async () => {
    const { calls, repo } = recorder();
    await repo.insertMany(owner, metrics(INSERT_CHUNK + 1));
    expect(calls).toHaveLength(2);
    for (const c of calls) {
      expect(c.sql.startsWith('INSERT INTO metrics')).toBe(true);
      expect(c.params.length).toBeLessThanOrEqual(65_535);
      expect([...c.sql.matchAll(/\$(\d+)/g)].reduce((max, m) => Math.max(max, Number(m[1])), 0)).toBe(c.params.length);
    }
    expect(calls[0].params.length).toBeGreaterThan(65_535 - 7);
    // Rows keep the request order across chunks.
    expect(calls[1].params).toContain(`m${INSERT_CHUNK}`);
  });

  it('binds the installation fields once per statement', async () => {
    const { calls, repo } = recorder();
    await repo.insertMany(owner, metrics(3));
    expect(calls).toHaveLength(1);
    expect(calls[0].params).toHaveLength(9 + 3 * 7);
    expect(calls[0].params.filter((p) => p === 'P.prov.i')).toHaveLength(1);
  });
});
