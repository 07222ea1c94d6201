import { z } from 'zod';
import { pathId, requiredText } from '../fields.js';

export const SettingMetadata = z
  .object({
    key: z.string(),
    current_value: z.string(),
    default_value: z.string(),
    allowed_values: z.array(z.string()),
  })
  .meta({ id: 'SettingMetadata' });
export type SettingMetadata = z.infer<typeof SettingMetadata>;

export const SettingUpdate = z.object({ key: pathId, value: requiredText('value') });
export type SettingUpdate = z.infer<typeof SettingUpdate>;
