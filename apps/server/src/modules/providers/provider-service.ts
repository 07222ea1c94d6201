import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { providerMessages as m, type PageQuery } from '@acc/contracts';
import { newObjectId, type ProviderRow } from '@acc/db';
import { isForeignKeyViolation, isUniqueViolation } from '../../db-errors.js';
import { badRequest, conflict, forbidden, notFound } from '../../errors.js';
import { offsetOf } from '../../paging.js';
import type { Criterion } from '../../search/index.js';
import { scopeMessages } from '../../access/index.js';
import { ProviderRepository, type AssociatedInstallationRow, type AssociationRow, type ProviderPatch } from './provider-repository.js';

export interface NewProvider {
  name: string;
  /** Absent: a random UUID (§4.4). */
  externalId?: string;
  website?: string;
  abbreviation?: string;
  logo?: string;
}

/** EOSC-synced providers are the ones without a creator (§2.1). */
const fromEosc = (row: ProviderRow) => row.creatorId === '';

/** Providers (§4.4): the catalogue itself, its guards, and the association listing. */
export class ProviderService {
  constructor(private readonly db: DataSource) {}

  private repo(manager: EntityManager = this.db.manager) {
    return new ProviderRepository(manager);
  }

  async list(q: PageQuery) {
    const [rows, total] = await this.repo().page(offsetOf(q), q.size);
    return { rows, total };
  }

  async search(criterion: Criterion, q: PageQuery) {
    const [rows, total] = await this.repo().search(criterion, offsetOf(q), q.size);
    return { rows, total };
  }

  async get(id: string): Promise<ProviderRow> {
    const row = await this.repo().findById(id);
    if (!row) throw notFound(m.notFound(id));
    return row;
  }

  async getByExternalId(externalId: string): Promise<ProviderRow> {
    if (externalId.trim() === '') throw badRequest(scopeMessages.externalIdEmpty);
    const row = await this.repo().findByExternalId(externalId);
    if (!row) throw notFound(m.notFoundExternal(externalId));
    return row;
  }

  async associations(q: PageQuery): Promise<{ rows: { association: AssociationRow; installations: AssociatedInstallationRow[] }[]; total: number }> {
    const repo = this.repo();
    const [associations, total] = await repo.associations(offsetOf(q), q.size);
    const installations = await repo.installationsOf(associations.map((a) => ({ projectId: a.projectId, providerId: a.provider.id })));
    const rows = associations.map((association) => ({
      association,
      installations: installations.filter((i) => i.projectId === association.projectId && i.providerId === association.provider.id),
    }));
    return { rows, total };
  }

  async create(creatorId: string, input: NewProvider): Promise<ProviderRow> {
    try {
      return await this.db.transaction((tx) => this.createIn(tx, creatorId, input));
    } catch (err) {
      // A concurrent create lost on a unique index: report it as the checks would have.
      if (isUniqueViolation(err)) {
        if (await this.repo().findByName(input.name)) throw conflict(m.nameTaken(input.name));
        throw conflict(m.externalIdTaken);
      }
      throw err;
    }
  }

  /**
   * The §4.4 create rules inside the caller's transaction, for flows that create a provider as one step of
   * a larger operation (the AMS listener); 409s propagate.
   */
  async createIn(manager: EntityManager, creatorId: string, input: NewProvider): Promise<ProviderRow> {
    const repo = this.repo(manager);
    if (await repo.findByName(input.name)) throw conflict(m.nameTaken(input.name));
    const externalId = input.externalId ?? randomUUID();
    if (await repo.findByExternalId(externalId)) throw conflict(m.externalIdTaken);
    return repo.insert({
      id: newObjectId(),
      name: input.name,
      website: input.website ?? null,
      abbreviation: input.abbreviation ?? null,
      logo: input.logo ?? null,
      externalId,
      creatorId,
    });
  }

  /** `patch` holds only the fields to change: the router drops empty values (§4.4). */
  async update(id: string, patch: ProviderPatch): Promise<ProviderRow> {
    try {
      return await this.db.transaction(async (tx) => {
        const repo = this.repo(tx);
        const row = await repo.findById(id);
        if (!row) throw notFound(m.notFound(id));
        if (fromEosc(row)) throw forbidden(m.eoscUpdate);
        if (await repo.isAssociated(id)) throw forbidden(m.inProjectUpdate);
        if (patch.name !== undefined) {
          const other = await repo.findByName(patch.name);
          if (other && other.id !== id) throw conflict(m.nameTaken(patch.name));
        }
        return repo.update(id, patch);
      });
    } catch (err) {
      if (isUniqueViolation(err) && patch.name !== undefined) throw conflict(m.nameTaken(patch.name));
      throw err;
    }
  }

  async delete(id: string): Promise<void> {
    try {
      await this.db.transaction(async (tx) => {
        const repo = this.repo(tx);
        const row = await repo.findById(id);
        if (!row) throw notFound(m.notFound(id));
        if (fromEosc(row)) throw forbidden(m.eoscDelete);
        if (await repo.isAssociated(id)) throw forbidden(m.inProjectDelete);
        await repo.delete(id);
      });
    } catch (err) {
      // Associated between our check and the delete: the foreign key refuses, with the same answer.
      if (isForeignKeyViolation(err)) throw forbidden(m.inProjectDelete);
      throw err;
    }
  }
}
