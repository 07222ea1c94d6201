import type { EntityManager } from 'typeorm';
import { OidcTenantEntity, type OidcTenantRow } from '@acc/db';

export type OidcTenantValues = Omit<OidcTenantRow, 'id' | 'registeredOn'>;

export class OidcTenantRepository {
  constructor(private readonly m: EntityManager) {}

  private get repo() {
    return this.m.getRepository(OidcTenantEntity);
  }

  page(offset: number, limit: number): Promise<[OidcTenantRow[], number]> {
    return this.repo.findAndCount({ order: { registeredOn: 'ASC', id: 'ASC' }, skip: offset, take: limit });
  }

  findById(id: string): Promise<OidcTenantRow | null> {
    return this.repo.findOneBy({ id });
  }

  /** Issuers match case-insensitively (§3.1), as the unique index on lower(issuer) enforces. */
  findByIssuer(issuer: string): Promise<OidcTenantRow | null> {
    return this.repo.createQueryBuilder('t').where('lower(t.issuer) = lower(:issuer)', { issuer }).getOne();
  }

  findByTenantId(tenantId: string): Promise<OidcTenantRow | null> {
    return this.repo.findOneBy({ tenantId });
  }

  async insert(row: OidcTenantValues & { id: string }): Promise<OidcTenantRow> {
    await this.repo.insert(row);
    return (await this.findById(row.id))!;
  }

  async update(id: string, patch: Partial<OidcTenantValues>): Promise<OidcTenantRow> {
    if (Object.keys(patch).length > 0) await this.repo.update({ id }, patch);
    return (await this.findById(id))!;
  }

  async delete(id: string): Promise<void> {
    await this.repo.delete({ id });
  }
}
