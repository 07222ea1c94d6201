import { ActorEntitlementEntity, ActorEntity, EntitlementEntity, SettingEntity } from './actor.js';
import { MetricDefinitionEntity } from './metric-definition.js';
import { MetricTypeEntity, UnitTypeEntity } from './type-catalogue.js';

export * from './actor.js';
export * from './metric-definition.js';
export * from './type-catalogue.js';

/** Every table the service owns; later modules append theirs here. */
export const entities = [
  UnitTypeEntity,
  MetricTypeEntity,
  MetricDefinitionEntity,
  ActorEntity,
  EntitlementEntity,
  ActorEntitlementEntity,
  SettingEntity,
];
