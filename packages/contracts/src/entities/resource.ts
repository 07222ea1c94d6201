import { z } from 'zod';
import { MAX_LENGTH, requiredText } from '../fields.js';

/** §4.9: resources carry a client-chosen id. */
export const Resource = z.object({ id: z.string(), name: z.string() }).meta({ id: 'Resource' });
export type Resource = z.infer<typeof Resource>;

export const ResourceCreate = z.object({ id: requiredText('id', MAX_LENGTH.id), name: requiredText('name') });
export type ResourceCreate = z.infer<typeof ResourceCreate>;
