import type { DataSource } from 'typeorm';
import { MetricTypeEntity, UnitTypeEntity } from '@acc/db';
import { Authenticator } from './auth/authenticator.js';
import type { TokenVerifier } from './auth/token-verifier.js';
import type { Config } from './config.js';
import { ActorRepository } from './modules/actors/actor-repository.js';
import { SettingsRepository } from './modules/settings/settings-repository.js';
import { TypeCatalogueService } from './modules/type-catalogue/type-catalogue-service.js';

/** The composition root's product: every service a procedure may call, built once per server. */
export interface AppServices {
  config: Config;
  db: DataSource;
  authenticator: Authenticator;
  unitTypes: TypeCatalogueService;
  metricTypes: TypeCatalogueService;
}

export function createServices(config: Config, db: DataSource, verifier: TokenVerifier): AppServices {
  return {
    config,
    db,
    authenticator: new Authenticator(config, verifier, new ActorRepository(db.manager), new SettingsRepository(db.manager)),
    unitTypes: new TypeCatalogueService(db, { label: 'Unit Type', entity: UnitTypeEntity, usedBy: 'unit_type' }),
    metricTypes: new TypeCatalogueService(db, { label: 'Metric Type', entity: MetricTypeEntity, usedBy: 'metric_type' }),
  };
}
