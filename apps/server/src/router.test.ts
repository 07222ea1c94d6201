import { contracts, type ProcedureContract } from '@acc/contracts';
import { describe, expect, it } from 'vitest';
import { appRouter } from './router.js';

const routed = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { meta?: { contract?: ProcedureContract } } }>);

describe('the router and the contract registry', () => {
  it('serves every procedure from a registered contract', () => {
    for (const [path, procedure] of routed) {
      const contract = procedure._def.meta?.contract;
      expect(contract, path).toBeDefined();
      expect(contracts[contract!.name as keyof typeof contracts], path).toBe(contract);
    }
  });

  it('serves every registered contract exactly once', () => {
    const served = routed.map(([, p]) => p._def.meta?.contract?.name);
    expect([...served].sort()).toEqual(Object.keys(contracts).sort());
  });
});
