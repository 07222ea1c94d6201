import type { DataSource, EntityManager } from 'typeorm';
import { newObjectId } from '@acc/db';
import { DEV_ADMIN, DEV_ISSUER, systemAdminEntitlement } from './dev-issuer.js';

/** An actor of the dev issuer, as `POST /clients` would register it. */
export interface DevActor {
  actorId: string;
  oidcId: string;
  name: string;
}

/**
 * Registers the actor (if new), the entitlement (if new) and the assignment (if missing), so the
 * actor's tokens work in the default `database` entitlement mode. Every step is idempotent.
 */
export async function grantDevActor(m: EntityManager, actor: DevActor, entitlement: string): Promise<void> {
  await m.query(
    `INSERT INTO actors (id, oidc_id, issuer, name, email) VALUES ($1, $2, $3, $4, '')
     ON CONFLICT (oidc_id, issuer) DO NOTHING`,
    [actor.actorId, actor.oidcId, DEV_ISSUER, actor.name],
  );
  await m.query(`INSERT INTO entitlements (id, name) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [newObjectId(), entitlement]);
  await m.query(
    `INSERT INTO actor_entitlements (id, actor_id, entitlement_id)
     SELECT $1, a.id, e.id FROM actors a, entitlements e
      WHERE a.oidc_id = $2 AND a.issuer = $3 AND e.name = $4
     ON CONFLICT (actor_id, entitlement_id) DO NOTHING`,
    [newObjectId(), actor.oidcId, DEV_ISSUER, entitlement],
  );
}

/** Seeds the spec's dev admin actor holding the system-admin entitlement; safe to run on every start. */
export async function seedDevAdmin(db: DataSource, namespace: string, parent: string): Promise<void> {
  await db.transaction((m) => grantDevActor(m, { ...DEV_ADMIN, name: 'Dev Admin' }, systemAdminEntitlement(namespace, parent)));
}
