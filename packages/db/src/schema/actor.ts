import { EntitySchema } from 'typeorm';

export interface ActorRow {
  id: string;
  oidcId: string;
  issuer: string;
  name: string;
  email: string;
  registeredOn: Date;
}
export const ActorEntity = new EntitySchema<ActorRow>({
  name: 'Actor',
  tableName: 'actors',
  columns: {
    id: { type: 'text', primary: true },
    oidcId: { name: 'oidc_id', type: 'text' },
    issuer: { type: 'text' },
    name: { type: 'text', default: '' },
    email: { type: 'text', default: '' },
    registeredOn: { name: 'registered_on', type: 'timestamptz', default: () => 'clock_timestamp()' },
  },
  uniques: [{ name: 'UQ_actors_oidc_issuer', columns: ['oidcId', 'issuer'] }],
});

export interface EntitlementRow {
  id: string;
  name: string;
  registeredOn: Date;
}
export const EntitlementEntity = new EntitySchema<EntitlementRow>({
  name: 'Entitlement',
  tableName: 'entitlements',
  columns: {
    id: { type: 'text', primary: true },
    name: { type: 'text', unique: true },
    registeredOn: { name: 'registered_on', type: 'timestamptz', default: () => 'clock_timestamp()' },
  },
});

export interface ActorEntitlementRow {
  id: string;
  actorId: string;
  entitlementId: string;
  assignedAt: Date;
}
export const ActorEntitlementEntity = new EntitySchema<ActorEntitlementRow & { actor?: ActorRow; entitlement?: EntitlementRow }>({
  name: 'ActorEntitlement',
  tableName: 'actor_entitlements',
  columns: {
    id: { type: 'text', primary: true },
    actorId: { name: 'actor_id', type: 'text' },
    entitlementId: { name: 'entitlement_id', type: 'text' },
    assignedAt: { name: 'assigned_at', type: 'timestamptz', default: () => 'clock_timestamp()' },
  },
  uniques: [{ name: 'UQ_actor_entitlements_pair', columns: ['actorId', 'entitlementId'] }],
  relations: {
    actor: { type: 'many-to-one', target: 'Actor', joinColumn: { name: 'actor_id' }, onDelete: 'CASCADE' },
    entitlement: { type: 'many-to-one', target: 'Entitlement', joinColumn: { name: 'entitlement_id' }, onDelete: 'RESTRICT' },
  },
});

export interface SettingRow {
  key: string;
  value: string;
}
export const SettingEntity = new EntitySchema<SettingRow>({
  name: 'Setting',
  tableName: 'settings',
  columns: {
    key: { type: 'text', primary: true },
    value: { type: 'text' },
  },
});
