import type { DataSource } from 'typeorm';
import { newObjectId } from '@acc/db';
import { DEV_ADMIN, DEV_ISSUER } from './dev-issuer.js';

/** Seeds the spec's dev admin actor holding the system-admin entitlement; safe to run on every start. */
export async function seedDevAdmin(db: DataSource, namespace: string, parent: string): Promise<void> {
  const entitlement = `${namespace}:${parent}:role=admin`;
  await db.transaction(async (m) => {
    await m.query(
      `INSERT INTO actors (id, oidc_id, issuer, name, email) VALUES ($1, $2, $3, 'Dev Admin', '')
       ON CONFLICT (oidc_id, issuer) DO NOTHING`,
      [DEV_ADMIN.actorId, DEV_ADMIN.oidcId, DEV_ISSUER],
    );
    await m.query(`INSERT INTO entitlements (id, name) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [newObjectId(), entitlement]);
    await m.query(
      `INSERT INTO actor_entitlements (id, actor_id, entitlement_id)
       SELECT $1, a.id, e.id FROM actors a, entitlements e
        WHERE a.oidc_id = $2 AND a.issuer = $3 AND e.name = $4
       ON CONFLICT (actor_id, entitlement_id) DO NOTHING`,
      [newObjectId(), DEV_ADMIN.oidcId, DEV_ISSUER, entitlement],
    );
  });
}
