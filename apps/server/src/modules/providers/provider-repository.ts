import type { EntityManager } from 'typeorm';
import { ProviderEntity, type InstallationRow, type ProviderRow } from '@acc/db';
import { criterionToSql, searchFields, type Criterion } from '../../search/index.js';

interface RawProvider {
  id: string;
  name: string;
  website: string | null;
  abbreviation: string | null;
  logo: string | null;
  external_id: string | null;
  creator_id: string;
  registered_on: Date;
}

const fromRaw = (r: RawProvider): ProviderRow => ({
  id: r.id,
  name: r.name,
  website: r.website,
  abbreviation: r.abbreviation,
  logo: r.logo,
  externalId: r.external_id,
  creatorId: r.creator_id,
  registeredOn: r.registered_on,
});

interface RawInstallation {
  id: string;
  project_id: string;
  provider_id: string;
  installation: string;
  infrastructure: string | null;
  resource_id: string | null;
  unit_of_access: string | null;
  external_id: string | null;
}

export type AssociatedInstallationRow = Pick<
  InstallationRow,
  'id' | 'projectId' | 'providerId' | 'installation' | 'infrastructure' | 'resourceId' | 'unitOfAccess' | 'externalId'
>;

export interface AssociationRow {
  provider: ProviderRow;
  projectId: string;
  projectAcronym: string;
}

export type ProviderPatch = Partial<Pick<ProviderRow, 'name' | 'website' | 'abbreviation' | 'logo'>>;

/** What the EOSC registry tells us about a provider (§4.4). */
export interface EoscProviderRecord {
  id: string;
  name: string;
  website: string | null;
  abbreviation: string | null;
  logo: string | null;
}

// Only providers associated with a project are searched (§4.4), each once: EXISTS, not a join.
const ASSOCIATED = 'EXISTS (SELECT 1 FROM project_providers pp WHERE pp.provider_id = pv.id)';

export class ProviderRepository {
  constructor(private readonly m: EntityManager) {}

  private get repo() {
    return this.m.getRepository(ProviderEntity);
  }

  page(offset: number, limit: number): Promise<[ProviderRow[], number]> {
    return this.repo.findAndCount({ order: { registeredOn: 'ASC', id: 'ASC' }, skip: offset, take: limit });
  }

  findById(id: string): Promise<ProviderRow | null> {
    return this.repo.findOneBy({ id });
  }

  /** Names are unique by exact match (§2.2). */
  findByName(name: string): Promise<ProviderRow | null> {
    return this.repo.findOneBy({ name });
  }

  findByExternalId(externalId: string): Promise<ProviderRow | null> {
    return this.repo.findOneBy({ externalId });
  }

  async isAssociated(id: string): Promise<boolean> {
    const rows: unknown[] = await this.m.query('SELECT 1 FROM project_providers WHERE provider_id = $1 LIMIT 1', [id]);
    return rows.length > 0;
  }

  async insert(row: Omit<ProviderRow, 'registeredOn'>): Promise<ProviderRow> {
    await this.repo.insert(row);
    return (await this.findById(row.id))!;
  }

  async update(id: string, patch: ProviderPatch): Promise<ProviderRow> {
    if (Object.keys(patch).length > 0) await this.repo.update({ id }, patch);
    return (await this.findById(id))!;
  }

  async delete(id: string): Promise<void> {
    await this.repo.delete({ id });
  }

  async search(criterion: Criterion, offset: number, limit: number): Promise<[ProviderRow[], number]> {
    const { sql, params } = criterionToSql(criterion, searchFields.providers);
    const n = params.length;
    const where = `${ASSOCIATED} AND ${sql}`;
    const [{ total }] = await this.m.query<{ total: number }[]>(`SELECT count(*)::int AS total FROM providers pv WHERE ${where}`, params);
    const rows = await this.m.query<RawProvider[]>(
      `SELECT pv.* FROM providers pv WHERE ${where} ORDER BY pv.registered_on, pv.id LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...params, limit, offset],
    );
    return [rows.map(fromRaw), total];
  }

  /** One row per (project, provider) association, in the order they were made. */
  async associations(offset: number, limit: number): Promise<[AssociationRow[], number]> {
    const [{ total }] = await this.m.query<{ total: number }[]>('SELECT count(*)::int AS total FROM project_providers');
    const rows = await this.m.query<(RawProvider & { association_project_id: string; association_project_acronym: string })[]>(
      `SELECT pv.*, pp.project_id AS association_project_id, pj.acronym AS association_project_acronym
         FROM project_providers pp
         JOIN providers pv ON pv.id = pp.provider_id
         JOIN projects pj ON pj.id = pp.project_id
        ORDER BY pp.associated_at, pp.project_id, pp.provider_id
        LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
    return [rows.map((r) => ({ provider: fromRaw(r), projectId: r.association_project_id, projectAcronym: r.association_project_acronym })), total];
  }

  /** The installations of the given associations, in insertion order. */
  async installationsOf(pairs: { projectId: string; providerId: string }[]): Promise<AssociatedInstallationRow[]> {
    if (pairs.length === 0) return [];
    const rows = await this.m.query<RawInstallation[]>(
      `SELECT i.id, i.project_id, i.provider_id, i.installation, i.infrastructure, i.resource_id, i.unit_of_access, i.external_id
         FROM installations i
         JOIN unnest($1::text[], $2::text[]) AS k(project_id, provider_id)
           ON k.project_id = i.project_id AND k.provider_id = i.provider_id
        ORDER BY i.registered_on, i.id`,
      [pairs.map((p) => p.projectId), pairs.map((p) => p.providerId)],
    );
    return rows.map((r) => ({
      id: r.id,
      projectId: r.project_id,
      providerId: r.provider_id,
      installation: r.installation,
      infrastructure: r.infrastructure,
      resourceId: r.resource_id,
      unitOfAccess: r.unit_of_access,
      externalId: r.external_id,
    }));
  }

  /** Inserts or refreshes an EOSC provider under its EOSC id; synced providers have no creator (§4.4). */
  async upsertFromEosc(p: EoscProviderRecord): Promise<void> {
    await this.m.query(
      `INSERT INTO providers (id, name, website, abbreviation, logo, creator_id)
       VALUES ($1, $2, $3, $4, $5, '')
       ON CONFLICT (id) DO UPDATE
         SET name = EXCLUDED.name, website = EXCLUDED.website, abbreviation = EXCLUDED.abbreviation,
             logo = EXCLUDED.logo, creator_id = ''`,
      [p.id, p.name, p.website, p.abbreviation, p.logo],
    );
  }
}
