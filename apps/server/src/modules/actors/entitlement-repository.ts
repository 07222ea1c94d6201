import type { EntityManager } from 'typeorm';
import { ActorEntitlementEntity, EntitlementEntity, type ActorEntitlementRow, type EntitlementRow } from '@acc/db';

/** Entitlements and their assignments to actors (`actor_entitlements`). */
export class EntitlementRepository {
  constructor(private readonly m: EntityManager) {}

  private get entitlements() {
    return this.m.getRepository(EntitlementEntity);
  }

  private get assignments() {
    return this.m.getRepository(ActorEntitlementEntity);
  }

  page(offset: number, limit: number): Promise<[EntitlementRow[], number]> {
    return this.entitlements.findAndCount({ order: { registeredOn: 'ASC', id: 'ASC' }, skip: offset, take: limit });
  }

  findById(id: string): Promise<EntitlementRow | null> {
    return this.entitlements.findOneBy({ id });
  }

  findByName(name: string): Promise<EntitlementRow | null> {
    return this.entitlements.findOneBy({ name });
  }

  async insert(row: Pick<EntitlementRow, 'id' | 'name'>): Promise<EntitlementRow> {
    await this.entitlements.insert(row);
    return (await this.findById(row.id))!;
  }

  async rename(id: string, name: string): Promise<EntitlementRow> {
    await this.entitlements.update({ id }, { name });
    return (await this.findById(id))!;
  }

  async delete(id: string): Promise<void> {
    await this.entitlements.delete({ id });
  }

  async isAssignedToAnyone(entitlementId: string): Promise<boolean> {
    return (await this.assignments.countBy({ entitlementId })) > 0;
  }

  findAssignment(actorId: string, entitlementId: string): Promise<ActorEntitlementRow | null> {
    return this.assignments.findOneBy({ actorId, entitlementId });
  }

  async assign(row: Pick<ActorEntitlementRow, 'id' | 'actorId' | 'entitlementId'>): Promise<void> {
    await this.assignments.insert(row);
  }

  async unassign(actorId: string, entitlementId: string): Promise<void> {
    await this.assignments.delete({ actorId, entitlementId });
  }

  pageAssignments(offset: number, limit: number): Promise<[ActorEntitlementRow[], number]> {
    return this.assignments.findAndCount({ order: { assignedAt: 'ASC', id: 'ASC' }, skip: offset, take: limit });
  }

  /** The actor's entitlements, in the order they were assigned. */
  pageOfActor(actorId: string, offset: number, limit: number): Promise<[EntitlementRow[], number]> {
    return this.entitlements
      .createQueryBuilder('e')
      .innerJoin(ActorEntitlementEntity.options.name, 'ae', 'ae.entitlementId = e.id')
      .where('ae.actorId = :actorId', { actorId })
      .orderBy('ae.assignedAt', 'ASC')
      .addOrderBy('ae.id', 'ASC')
      .offset(offset)
      .limit(limit)
      .getManyAndCount();
  }
}
