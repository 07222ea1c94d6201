import { z } from 'zod';
import { defineProcedures } from './define.js';

export const VersionResponse = z.object({ version: z.string() }).meta({ id: 'Version' });

export const systemProcedures = defineProcedures('Admin')({
  version: {
    name: 'admin_version',
    method: 'GET',
    path: '/admin/version',
    input: z.object({}),
    output: VersionResponse,
    summary: 'Service version',
    errors: [403],
  },
});
