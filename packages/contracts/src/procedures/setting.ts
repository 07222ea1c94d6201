import { SettingMetadata, SettingUpdate } from '../entities/setting.js';
import { MessageResponse } from '../errors.js';
import { pageOf, PageQuery } from '../page.js';
import { defineProcedures } from './define.js';

export const settingMessages = {
  updated: 'Setting updated successfully.',
  invalidValue: (key: string) => `Invalid value for setting ${key}`,
  notFound: (key: string) => `There is no setting with the following key: ${key}`,
};

/** Run-time settings (§4.12); all SYS. */
export const settingProcedures = defineProcedures('Admin: settings')({
  metadata: {
    name: 'admin_setting_list',
    method: 'GET',
    path: '/admin/settings/metadata',
    input: PageQuery,
    output: pageOf(SettingMetadata, 'SettingMetadataPage'),
    summary: 'List settings with their current, default and allowed values',
    errors: [400, 403],
  },
  update: {
    name: 'admin_setting_update',
    method: 'PUT',
    path: '/admin/settings/{key}',
    input: SettingUpdate,
    output: MessageResponse,
    summary: 'Change a setting',
    errors: [400, 403, 404, 415],
  },
});
