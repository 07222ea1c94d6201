import type { EntityManager } from 'typeorm';
import { newObjectId } from '@acc/db';

export class ClientRepository {
  constructor(private readonly m: EntityManager) {}

  /** Idempotent: an existing (oidc_id, issuer) is left exactly as it was (§4.1). */
  async registerActor(actor: { oidcId: string; issuer: string; name: string; email: string }): Promise<void> {
    await this.m.query(
      `INSERT INTO actors (id, oidc_id, issuer, name, email) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (oidc_id, issuer) DO NOTHING`,
      [newObjectId(), actor.oidcId, actor.issuer, actor.name, actor.email],
    );
  }
}
