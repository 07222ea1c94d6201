import type { DataSource } from 'typeorm';
import { actorMessages, type PageQuery } from '@acc/contracts';
import { notFound } from '../../errors.js';
import { offsetOf } from '../../paging.js';
import { ActorRepository } from './actor-repository.js';
import { EntitlementRepository } from './entitlement-repository.js';

/** Read-only admin views of actors and who holds which entitlement (§4.11). */
export class ActorService {
  constructor(private readonly db: DataSource) {}

  async list(q: PageQuery) {
    const [rows, total] = await new ActorRepository(this.db.manager).page(offsetOf(q), q.size);
    return { rows, total };
  }

  async assignments(q: PageQuery) {
    const [rows, total] = await new EntitlementRepository(this.db.manager).pageAssignments(offsetOf(q), q.size);
    return { rows, total };
  }

  async entitlementsOf(actorId: string, q: PageQuery) {
    const actor = await new ActorRepository(this.db.manager).findById(actorId);
    if (!actor) throw notFound(actorMessages.notFound(actorId));
    const [rows, total] = await new EntitlementRepository(this.db.manager).pageOfActor(actorId, offsetOf(q), q.size);
    return { rows, total };
  }
}
