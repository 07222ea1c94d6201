import type { DataSource } from 'typeorm';
import {
  capacityMessages as msg,
  metricMessages,
  type CapacityCreate,
  type CapacityRef,
  type CapacityUpdate,
  type InstallationCapacity,
  type PageQuery,
} from '@acc/contracts';
import { newObjectId } from '@acc/db';
import { Scope } from '../../access/index.js';
import type { Caller } from '../../auth/caller.js';
import { isUniqueViolation } from '../../db-errors.js';
import { conflict, notFound } from '../../errors.js';
import { offsetOf } from '../../paging.js';
import { formatInstant } from '../metrics/instants.js';
import { CapacityRepository, type CapacityRecord } from './capacity-repository.js';

const toWire = (row: CapacityRecord): InstallationCapacity => ({
  id: row.id,
  installation_id: row.installation_id,
  metric_definition_id: row.metric_definition_id,
  value: Number(row.value),
  registered_on: formatInstant(row.registered_on),
});

/** Capacities of an installation (§4.8); every operation is INS[admin]. */
export class CapacityService {
  constructor(private readonly db: DataSource) {}

  async register(caller: Caller, input: CapacityCreate): Promise<void> {
    const registeredOn = input.registered_on ?? new Date();
    await this.uniquely(registeredOn, () =>
      this.db.transaction(async (m) => {
        await new Scope(m).authorizeInstallation(caller, ['admin'], input.installation_id);
        const repo = new CapacityRepository(m);
        if (!(await repo.definitionExists(input.metric_definition_id))) throw notFound(metricMessages.noDefinition(input.metric_definition_id));
        await repo.insert(
          {
            id: newObjectId(),
            installation_id: input.installation_id,
            metric_definition_id: input.metric_definition_id,
            value: input.value,
            registered_on: registeredOn,
          },
          caller.id,
        );
      }),
    );
  }

  async list(caller: Caller, installationId: string, page: PageQuery) {
    const m = this.db.manager;
    await new Scope(m).authorizeInstallation(caller, ['admin'], installationId);
    const { rows, total } = await new CapacityRepository(m).page(installationId, offsetOf(page), page.size);
    return { rows: rows.map(toWire), total };
  }

  async update(caller: Caller, input: CapacityUpdate): Promise<InstallationCapacity> {
    return this.uniquely(input.registered_on, () =>
      this.db.transaction(async (m) => {
        await new Scope(m).authorizeInstallation(caller, ['admin'], input.installation_id);
        const repo = new CapacityRepository(m);
        if (!(await repo.findInInstallation(input.installation_id, input.capacity_id))) throw notFound(msg.notFound(input.capacity_id));
        await repo.update(input.installation_id, input.capacity_id, { value: input.value, registeredOn: input.registered_on });
        return toWire((await repo.findInInstallation(input.installation_id, input.capacity_id))!);
      }),
    );
  }

  async delete(caller: Caller, ref: CapacityRef): Promise<void> {
    await this.db.transaction(async (m) => {
      await new Scope(m).authorizeInstallation(caller, ['admin'], ref.installation_id);
      const repo = new CapacityRepository(m);
      if (!(await repo.findInInstallation(ref.installation_id, ref.capacity_id))) throw notFound(msg.notFound(ref.capacity_id));
      await repo.delete(ref.installation_id, ref.capacity_id);
    });
  }

  /** (installation, definition, registered_on) is unique: the violation becomes the §4.8 409 (fixed vs original). */
  private async uniquely<T>(registeredOn: Date | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (registeredOn && isUniqueViolation(err)) throw conflict(msg.duplicate(formatInstant(registeredOn)));
      throw err;
    }
  }
}
