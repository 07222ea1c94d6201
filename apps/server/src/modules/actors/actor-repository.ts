import type { EntityManager } from 'typeorm';
import { ActorEntity, type ActorRow } from '@acc/db';

export class ActorRepository {
  constructor(private readonly m: EntityManager) {}

  /** Entitlement names assigned to the actor (oidc_id, issuer); an unregistered actor has none (§3.2). */
  async entitlementNames(oidcId: string, issuer: string): Promise<string[]> {
    const rows: { name: string }[] = await this.m.query(
      `SELECT e.name FROM actors a
         JOIN actor_entitlements ae ON ae.actor_id = a.id
         JOIN entitlements e ON e.id = ae.entitlement_id
        WHERE a.oidc_id = $1 AND a.issuer = $2
        ORDER BY ae.assigned_at, e.name`,
      [oidcId, issuer],
    );
    return rows.map((r) => r.name);
  }

  page(offset: number, limit: number): Promise<[ActorRow[], number]> {
    return this.m.getRepository(ActorEntity).findAndCount({ order: { registeredOn: 'ASC', id: 'ASC' }, skip: offset, take: limit });
  }

  findById(id: string): Promise<ActorRow | null> {
    return this.m.getRepository(ActorEntity).findOneBy({ id });
  }
}
