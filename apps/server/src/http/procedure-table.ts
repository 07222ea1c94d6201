import type { AnyTRPCProcedure, TRPCRouterRecord } from '@trpc/server';
import { REST_BASE, type ProcedureContract } from '@acc/contracts';
import type { PreRule } from '../access/rules.js';
import type { AppRouter } from '../router.js';
import type { Meta } from '../trpc/init.js';

/** One procedure as the HTTP layer sees it: its dotted tRPC name, its contract and its pre-body access rule. */
export interface ProcedureEntry {
  name: string;
  type: 'query' | 'mutation';
  contract: ProcedureContract;
  rule: PreRule;
}

const isProcedure = (v: AnyTRPCProcedure | TRPCRouterRecord): v is AnyTRPCProcedure => typeof v === 'function' && '_def' in v;

/**
 * Every procedure of the router that has a contract, found by walking the router's record (its typed,
 * nested form), so the transports route from the contracts rather than from a library's private table.
 */
export function procedureTable(appRouter: AppRouter): ProcedureEntry[] {
  const out: ProcedureEntry[] = [];
  const walk = (record: TRPCRouterRecord, prefix: string) => {
    for (const [key, value] of Object.entries(record)) {
      const name = `${prefix}${key}`;
      if (!isProcedure(value)) {
        walk(value, `${name}.`);
        continue;
      }
      const meta = value._def.meta as Meta | undefined;
      const type = value._def.type;
      if (!meta?.contract || !meta.rule || type === 'subscription') continue;
      out.push({ name, type, contract: meta.contract, rule: meta.rule });
    }
  };
  walk(appRouter._def.record, '');
  return out;
}

/** `/accounting-system/unit-types/{id}`: the route's name in metrics and logs, as the contract spells it. */
export const restTemplate = (c: ProcedureContract) => `${REST_BASE}${c.path}`;

/** The same path in Fastify's syntax (`:id`). */
export const fastifyPath = (c: ProcedureContract) => `${REST_BASE}${c.path.replace(/\{(\w+)\}/g, ':$1')}`;
