import { z } from 'zod';
import { MessageResponse } from '../errors.js';
import { defineProcedures } from './define.js';

export const amsMessages = {
  forbidden: 'You cannot perform this operation',
  noProject: (p: string) => `There is no Project with id : ${p} to which the AMS messages can be associated.`,
  consumed: 'AMS message has been successfully consumed',
  statusEmpty: 'Service catalogue message status is empty.',
  unknownStatus: (s: string) => `Unknown service catalogue status : ${s}`,
};

/**
 * An AMS push delivery. Deliberately loose: the Authorization header is checked before the body is
 * looked at (§1.3 puts permission before validation), so the service reads the body itself.
 */
export const AmsPush = z
  .object({
    message: z.unknown().optional(),
    subscription: z.unknown().optional(),
  })
  .meta({ id: 'AmsPush' });
export type AmsPush = z.infer<typeof AmsPush>;

export const amsProcedures = defineProcedures('AMS')({
  listener: {
    name: 'ams_listener',
    method: 'POST',
    path: '/ams-listener',
    input: AmsPush,
    output: MessageResponse,
    summary: 'AMS push endpoint for service-catalogue messages (Authorization: a configured AMS value, no bearer token)',
    errors: [400, 403, 404, 409, 415],
  },
});
