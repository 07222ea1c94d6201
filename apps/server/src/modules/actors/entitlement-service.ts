import type { DataSource, EntityManager } from 'typeorm';
import { actorMessages, entitlementMessages as m, type PageQuery } from '@acc/contracts';
import { newObjectId, type EntitlementRow } from '@acc/db';
import { isUniqueViolation } from '../../db-errors.js';
import { badRequest, conflict, forbidden, notFound } from '../../errors.js';
import { offsetOf } from '../../paging.js';
import { ActorRepository } from './actor-repository.js';
import { EntitlementRepository } from './entitlement-repository.js';

/** Entitlements and their assignment to actors (§4.11): how roles are granted in `database` mode (§3.2). */
export class EntitlementService {
  constructor(
    private readonly db: DataSource,
    /** Told after a rename, delete, assignment or dissociation, so authentication forgets the entitlements it remembers. */
    private readonly onChange: () => void = () => {},
  ) {}

  /** Runs an admin change, then tells `onChange`, also after a failure (it is cheap, and a commit may have preceded the error). */
  private async changing<T>(change: () => Promise<T>): Promise<T> {
    try {
      return await change();
    } finally {
      this.onChange();
    }
  }

  private repo(manager: EntityManager = this.db.manager) {
    return new EntitlementRepository(manager);
  }

  async list(q: PageQuery) {
    const [rows, total] = await this.repo().page(offsetOf(q), q.size);
    return { rows, total };
  }

  async get(id: string): Promise<EntitlementRow> {
    return this.existing(this.repo(), id);
  }

  async create(name: string): Promise<EntitlementRow> {
    try {
      return await this.db.transaction(async (tx) => {
        const repo = this.repo(tx);
        if (await repo.findByName(name)) throw conflict(m.exists(name));
        return repo.insert({ id: newObjectId(), name });
      });
    } catch (err) {
      // A concurrent create of the same name loses on the unique index: the same answer as a seen duplicate.
      if (isUniqueViolation(err)) throw conflict(m.exists(name));
      throw err;
    }
  }

  /** A blank name leaves the entitlement unchanged, as every PATCH treats empty values. */
  async rename(id: string, name: string | undefined): Promise<EntitlementRow> {
    return this.changing(async () => {
      try {
        return await this.db.transaction(async (tx) => {
          const repo = this.repo(tx);
          const row = await this.existing(repo, id);
          if (name === undefined || name === row.name) return row;
          if (await repo.findByName(name)) throw conflict(m.nameInUse);
          return repo.rename(id, name);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict(m.nameInUse);
        throw err;
      }
    });
  }

  async delete(id: string): Promise<void> {
    return this.changing(async () => {
      await this.db.transaction(async (tx) => {
        const repo = this.repo(tx);
        await this.existing(repo, id);
        if (await repo.isAssignedToAnyone(id)) throw forbidden(m.assignedCannotDelete);
        await repo.delete(id);
      });
    });
  }

  async assign(id: string, actorId: string): Promise<void> {
    return this.changing(async () => {
      try {
        await this.db.transaction(async (tx) => {
          const repo = this.repo(tx);
          await this.existingPair(tx, id, actorId);
          if (await repo.findAssignment(actorId, id)) throw conflict(m.alreadyAssigned);
          await repo.assign({ id: newObjectId(), actorId, entitlementId: id });
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict(m.alreadyAssigned);
        throw err;
      }
    });
  }

  async dissociate(id: string, actorId: string): Promise<void> {
    return this.changing(async () => {
      await this.db.transaction(async (tx) => {
        const repo = this.repo(tx);
        await this.existingPair(tx, id, actorId);
        if (!(await repo.findAssignment(actorId, id))) throw badRequest(m.notAssigned);
        await repo.unassign(actorId, id);
      });
    });
  }

  private async existing(repo: EntitlementRepository, id: string): Promise<EntitlementRow> {
    const row = await repo.findById(id);
    if (!row) throw notFound(m.notFound(id));
    return row;
  }

  /** The entitlement is checked before the actor, the order of the path segments. */
  private async existingPair(tx: EntityManager, id: string, actorId: string): Promise<void> {
    await this.existing(this.repo(tx), id);
    if (!(await new ActorRepository(tx).findById(actorId))) throw notFound(actorMessages.notFound(actorId));
  }
}
