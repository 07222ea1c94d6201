import type { DataSource, EntityManager } from 'typeorm';
import { oidcTenantMessages as m, type PageQuery } from '@acc/contracts';
import { newObjectId, type OidcTenantRow } from '@acc/db';
import { isUniqueViolation } from '../../db-errors.js';
import { conflict, notFound } from '../../errors.js';
import { offsetOf } from '../../paging.js';
import { OidcTenantRepository, type OidcTenantValues } from './oidc-tenant-repository.js';

/** OIDC tenant configurations (§4.12). Issuer and tenant id are each unique; the issuer case-insensitively. */
export class OidcTenantService {
  constructor(
    private readonly db: DataSource,
    /** Told after every committed or failed change, so authentication forgets the tenants it remembers. */
    private readonly onChange: () => void = () => {},
  ) {}

  private repo(manager: EntityManager = this.db.manager) {
    return new OidcTenantRepository(manager);
  }

  async list(q: PageQuery) {
    const [rows, total] = await this.repo().page(offsetOf(q), q.size);
    return { rows, total };
  }

  async get(id: string): Promise<OidcTenantRow> {
    return this.existing(this.repo(), id);
  }

  async create(values: OidcTenantValues): Promise<OidcTenantRow> {
    const check = async (repo: OidcTenantRepository) => {
      if (await repo.findByIssuer(values.issuer)) throw conflict(m.issuerRegistered(values.issuer));
      if (await repo.findByTenantId(values.tenantId)) throw conflict(m.tenantIdRegistered(values.tenantId));
    };
    try {
      return await this.db.transaction(async (tx) => {
        const repo = this.repo(tx);
        await check(repo);
        return repo.insert({ id: newObjectId(), ...values });
      });
    } catch (err) {
      // A concurrent registration won the unique index: report it as if it had been there first.
      if (isUniqueViolation(err)) await check(this.repo());
      throw err;
    } finally {
      this.onChange();
    }
  }

  async update(id: string, patch: Partial<OidcTenantValues>): Promise<OidcTenantRow> {
    const check = async (repo: OidcTenantRepository) => {
      if (patch.tenantId !== undefined) {
        const other = await repo.findByTenantId(patch.tenantId);
        if (other && other.id !== id) throw conflict(m.tenantIdInUse);
      }
      if (patch.issuer !== undefined) {
        const other = await repo.findByIssuer(patch.issuer);
        if (other && other.id !== id) throw conflict(m.issuerInUse);
      }
    };
    try {
      return await this.db.transaction(async (tx) => {
        const repo = this.repo(tx);
        await this.existing(repo, id);
        await check(repo);
        return repo.update(id, patch);
      });
    } catch (err) {
      if (isUniqueViolation(err)) await check(this.repo());
      throw err;
    } finally {
      this.onChange();
    }
  }

  async delete(id: string): Promise<void> {
    try {
      await this.db.transaction(async (tx) => {
        const repo = this.repo(tx);
        await this.existing(repo, id);
        await repo.delete(id);
      });
    } finally {
      this.onChange();
    }
  }

  private async existing(repo: OidcTenantRepository, id: string): Promise<OidcTenantRow> {
    const row = await repo.findById(id);
    if (!row) throw notFound(m.notFound(id));
    return row;
  }
}
