import type { EntityManager } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { MetricRepository, type MetricOwner } from './metric-repository.js';

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
  it('writes any number of rows in one statement, each column one array literal, in the given order', async () => {
    const { calls, repo } = recorder();
    // More rows than a VALUES list could bind (65,535 parameters at 7 per row).
    await repo.insertMany(owner, metrics(10_000));
    expect(calls).toHaveLength(1);
    const [c] = calls;
    expect(c.sql).toMatch(/^INSERT INTO metrics .* FROM unnest\(/s);
    expect(c.params).toHaveLength(9 + 7);
    const [ids, , starts, , values, groups] = (c.params.slice(9) as string[]).map((literal) => literal.slice(1, -1).split(','));
    expect([ids.length, ids[0], ids[9_999], values[1234]]).toEqual([10_000, '"m0"', '"m9999"', '1234']);
    expect([starts[0], groups[0]]).toEqual(['1970-01-01T00:00:00.000Z', 'NULL']);
  });

  it('quotes every text element and escapes quotes and backslashes', async () => {
    const { calls, repo } = recorder();
    const [a, b] = metrics(2);
    await repo.insertMany(owner, [
      { ...a, groupId: 'NULL', userId: 'a"b\\c' },
      { ...b, groupId: '{x, y}', userId: null },
    ]);
    const [, , , , , groups, users] = calls[0].params.slice(9);
    expect(groups).toBe('{"NULL","{x, y}"}');
    expect(users).toBe('{"a\\"b\\\\c",NULL}');
  });

  it('binds the installation fields once, and stores a single row through a plain VALUES statement', async () => {
    const { calls, repo } = recorder();
    await repo.insertMany(owner, metrics(3));
    await repo.insertMany(owner, metrics(1));
    await repo.insertMany(owner, []);
    expect(calls).toHaveLength(2);
    expect(calls[0].params.filter((p) => p === 'P.prov.i')).toHaveLength(1);
    expect(calls[1].sql).toMatch(/VALUES \(/);
    expect(calls[1].params).toEqual([
      'i',
      'me',
      'P',
      'prov',
      'ACR',
      'INST',
      null,
      null,
      'P.prov.i',
      'm0',
      'd',
      new Date(0),
      new Date(1),
      0,
      null,
      null,
    ]);
  });
});
