import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { installationMessages as msg, type Installation, type InstallationChanges, type InstallationCreate, type PageQuery } from '@acc/contracts';
import { newObjectId, type InstallationRow } from '@acc/db';
import { Scope, type SqlFragment, visibleInstallationsSql } from '../../access/index.js';
import type { Caller } from '../../auth/caller.js';
import type { Role } from '../../auth/entitlements.js';
import { isForeignKeyViolation, isUniqueViolation } from '../../db-errors.js';
import { badRequest, conflict, forbidden, notFound } from '../../errors.js';
import { offsetOf } from '../../paging.js';
import { criterionToSql, searchFields, type Criterion } from '../../search/index.js';
import { InstallationRepository, type InstallationPatch } from './installation-repository.js';
import { toInstallationsWire, toInstallationWire, loadDetails } from './installation-wire.js';

const READERS: Role[] = ['admin', 'viewer'];
const WRITERS: Role[] = ['admin'];

/** Which installation a request names: by id, or by external id (§4.6 twins). */
export type InstallationRef = { id: string } | { externalId: string | undefined };

export interface InstallationPage {
  content: Installation[];
  total: number;
}

/** Installations (§4.6): creation in the spec's evaluation order, the metrics lock, visibility. */
export class InstallationService {
  constructor(private readonly db: DataSource) {}

  private authorize(m: EntityManager, caller: Caller, roles: Role[], ref: InstallationRef): Promise<InstallationRow> {
    const scope = new Scope(m);
    return 'id' in ref ? scope.authorizeInstallation(caller, roles, ref.id) : scope.authorizeInstallationByExternalId(caller, roles, ref.externalId);
  }

  async create(caller: Caller, input: InstallationCreate): Promise<Installation> {
    const { project, organisation, installation } = input;
    try {
      return await this.db.transaction(async (m) => {
        const repo = new InstallationRepository(m);
        if (input.unit_of_access !== undefined && !(await repo.definitionExists(input.unit_of_access)))
          throw notFound(msg.noDefinition(input.unit_of_access));
        const scope = new Scope(m);
        await scope.authorizeProvider(caller, WRITERS, project, organisation);
        if (!(await scope.isAssociated(project, organisation))) throw badRequest(msg.notAssociated(project, organisation));
        await this.assertNameFree(repo, project, organisation, installation);
        if (input.resource !== undefined && !(await repo.resourceExists(input.resource))) throw notFound(msg.noResource(input.resource));
        if (input.external_id !== undefined && (await repo.externalIdTaken(project, organisation, input.external_id)))
          throw conflict(msg.externalIdExists);
        const row = await repo.insert({
          id: newObjectId(),
          projectId: project,
          providerId: organisation,
          installation,
          infrastructure: input.infrastructure ?? null,
          resourceId: input.resource ?? null,
          unitOfAccess: input.unit_of_access ?? null,
          externalId: input.external_id ?? randomUUID(),
          creatorId: caller.id,
        });
        return toInstallationWire(row, await loadDetails(repo, [row], false));
      });
    } catch (err) {
      // A concurrent twin won the unique index: answer with the message we would have given it.
      if (isUniqueViolation(err)) {
        const repo = new InstallationRepository(this.db.manager);
        await this.assertNameFree(repo, project, organisation, installation);
        throw conflict(msg.externalIdExists);
      }
      throw err;
    }
  }

  private async assertNameFree(repo: InstallationRepository, projectId: string, providerId: string, name: string, self?: string) {
    const same = await repo.findByName(projectId, providerId, name);
    if (same && same.id !== self) throw conflict(msg.combinationExists(projectId, providerId, name, same.id));
  }

  async get(caller: Caller, ref: InstallationRef): Promise<Installation> {
    const m = this.db.manager;
    const row = await this.authorize(m, caller, READERS, ref);
    const [wire] = await toInstallationsWire(new InstallationRepository(m), [row], true);
    return wire;
  }

  async update(caller: Caller, ref: InstallationRef, changes: InstallationChanges): Promise<Installation> {
    try {
      return await this.db.transaction(async (m) => {
        const repo = new InstallationRepository(m);
        const row = await this.authorize(m, caller, WRITERS, ref);
        if (await repo.hasMetrics(row.id)) throw forbidden(msg.updateLocked);
        if (changes.unit_of_access !== undefined && !(await repo.definitionExists(changes.unit_of_access)))
          throw notFound(msg.noDefinition(changes.unit_of_access));
        if (changes.resource !== undefined && !(await repo.resourceExists(changes.resource))) throw notFound(msg.noResource(changes.resource));
        if (changes.installation !== undefined) await this.assertNameFree(repo, row.projectId, row.providerId, changes.installation, row.id);
        const patch: InstallationPatch = {
          ...(changes.installation !== undefined && { installation: changes.installation }),
          ...(changes.infrastructure !== undefined && { infrastructure: changes.infrastructure }),
          ...(changes.resource !== undefined && { resourceId: changes.resource }),
          ...(changes.unit_of_access !== undefined && { unitOfAccess: changes.unit_of_access }),
        };
        const updated = await repo.update(row.id, patch);
        return toInstallationWire(updated, await loadDetails(repo, [updated], false));
      });
    } catch (err) {
      if (isUniqueViolation(err) && changes.installation !== undefined) {
        const row = await this.authorize(this.db.manager, caller, WRITERS, ref);
        await this.assertNameFree(new InstallationRepository(this.db.manager), row.projectId, row.providerId, changes.installation, row.id);
      }
      throw err;
    }
  }

  async delete(caller: Caller, ref: InstallationRef): Promise<void> {
    try {
      await this.db.transaction(async (m) => {
        const repo = new InstallationRepository(m);
        const row = await this.authorize(m, caller, WRITERS, ref);
        if (await repo.hasMetrics(row.id)) throw forbidden(msg.deleteLocked);
        await repo.delete(row.id);
      });
    } catch (err) {
      // A metric pushed between the check and the delete holds the row through its foreign key.
      if (isForeignKeyViolation(err)) throw forbidden(msg.deleteLocked);
      throw err;
    }
  }

  /** `GET /installations/all`: only what INS[admin,viewer] admits (§3.4), filtered in SQL before paging. */
  visible(caller: Caller, q: PageQuery): Promise<InstallationPage> {
    const where = visibleInstallationsSql(caller.policy.visibility());
    return this.page(where, q, true);
  }

  search(criterion: Criterion, q: PageQuery): Promise<InstallationPage> {
    return this.page(criterionToSql(criterion, searchFields.installations), q, true);
  }

  /** A project's (or one of its providers') installations; the caller has been authorised on the scope. */
  inScope(projectId: string, providerId: string | undefined, q: PageQuery): Promise<InstallationPage> {
    const where =
      providerId === undefined
        ? { sql: 'i.project_id = $1', params: [projectId] }
        : { sql: 'i.project_id = $1 AND i.provider_id = $2', params: [projectId, providerId] };
    return this.page(where, q, false);
  }

  async metricDefinitions(caller: Caller, id: string, q: PageQuery) {
    const m = this.db.manager;
    const row = await this.authorize(m, caller, READERS, { id });
    const [rows, total] = await new InstallationRepository(m).usedDefinitions(
      { sql: 'm.installation_id = $1', params: [row.id] },
      offsetOf(q),
      q.size,
    );
    return { rows, total };
  }

  private async page(where: SqlFragment, q: PageQuery, withCapacities: boolean): Promise<InstallationPage> {
    const repo = new InstallationRepository(this.db.manager);
    const [rows, total] = await repo.page(where, offsetOf(q), q.size);
    return { content: await toInstallationsWire(repo, rows, withCapacities), total };
  }
}
