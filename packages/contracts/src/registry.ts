import type { z } from 'zod';
import { actorProcedures } from './procedures/actor.js';
import { alertProcedures } from './procedures/alert.js';
import { adminCountProcedures } from './procedures/admin-counts.js';
import { amsProcedures } from './procedures/ams.js';
import { capacityProcedures } from './procedures/capacity.js';
import { clientProcedures } from './procedures/client.js';
import type { ProcedureContract } from './procedures/define.js';
import { entitlementProcedures } from './procedures/entitlement.js';
import { installationProcedures } from './procedures/installation.js';
import { metricDefinitionProcedures } from './procedures/metric-definition.js';
import { metricProcedures } from './procedures/metric.js';
import { oidcTenantProcedures } from './procedures/oidc-tenant.js';
import { projectProcedures } from './procedures/project.js';
import { providerProcedures } from './procedures/provider.js';
import { reportProcedures } from './procedures/report.js';
import { scheduleProcedures } from './procedures/report-schedule.js';
import { resourceProcedures } from './procedures/resource.js';
import { rollupProcedures } from './procedures/rollups.js';
import { searchMetaProcedures } from './procedures/search.js';
import { settingProcedures } from './procedures/setting.js';
import { systemProcedures } from './procedures/system.js';
import { metricTypeProcedures, unitTypeProcedures } from './procedures/type-catalogue.js';
import { usageProcedures } from './procedures/usage.js';

/** Every resource's contracts, in the server's router order (REST route precedence follows it). */
const groups = [
  unitTypeProcedures,
  metricTypeProcedures,
  systemProcedures,
  metricDefinitionProcedures,
  providerProcedures,
  resourceProcedures,
  searchMetaProcedures,
  actorProcedures,
  entitlementProcedures,
  oidcTenantProcedures,
  settingProcedures,
  adminCountProcedures,
  rollupProcedures,
  amsProcedures,
  projectProcedures,
  installationProcedures,
  clientProcedures,
  metricProcedures,
  capacityProcedures,
  reportProcedures,
  usageProcedures,
  alertProcedures,
  scheduleProcedures,
] as const;

type ContractsOf<G> = G extends unknown ? G[keyof G] : never;
type AnyContract = ContractsOf<(typeof groups)[number]>;

/** The registry's type: each contract under its own `name`. */
export type Contracts = { [C in AnyContract as C['name']]: C };
export type ContractName = keyof Contracts;
/** Fields that accept `undefined` may be left out, as JSON leaves them out (some field builders lose the `?`). */
type OmittableUndefined<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T as undefined extends T[K] ? K : never]?: T[K] } & { [K in keyof T as undefined extends T[K] ? never : K]: T[K] }
    : T;
/** What a caller passes: the input schema's input side (defaults and coercions still optional). */
export type ContractInput<N extends ContractName> = OmittableUndefined<z.input<Contracts[N]['input']>>;
/** What the server answers, as the output schema describes it. */
export type ContractOutput<N extends ContractName> = z.output<Contracts[N]['output']>;

function byName(): Contracts {
  const out: Record<string, ProcedureContract> = {};
  for (const group of groups) {
    for (const contract of Object.values(group) as ProcedureContract[]) {
      // A name is a public identifier (client calls, error messages): two contracts may never share one.
      if (out[contract.name]) throw new Error(`Duplicate contract name: ${contract.name}`);
      out[contract.name] = contract;
    }
  }
  return out as Contracts;
}

/** Every procedure's contract by its stable name: what the client and the CLI call. */
export const contracts: Contracts = byName();

export const contractNames = Object.keys(contracts) as ContractName[];

export const contractOf = <N extends ContractName>(name: N): Contracts[N] => contracts[name];
