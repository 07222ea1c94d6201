import { ENTITLEMENT_MANAGEMENT_MODES } from '@acc/contracts';
import type { Config } from '../../config.js';
import { ENTITLEMENTS_MANAGEMENT } from './settings-repository.js';

export interface SettingDefinition {
  key: string;
  allowedValues: readonly string[];
  /** The value in force while nothing is stored: the deployment's configuration. */
  defaultValue(config: Config): string;
}

/** Every setting an administrator may change at run time (§4.12), in listing order. */
export const settingDefinitions: readonly SettingDefinition[] = [
  {
    key: ENTITLEMENTS_MANAGEMENT,
    allowedValues: ENTITLEMENT_MANAGEMENT_MODES,
    defaultValue: (config) => config.entitlements.source,
  },
];
