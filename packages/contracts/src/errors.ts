import { z } from 'zod';

/** The spec's envelope for every error and every "informative" success (§1.2). */
export const MessageResponse = z
  .object({
    code: z.number().int(),
    message: z.string(),
  })
  .meta({ id: 'Message', description: 'Error or informative response; `code` equals the HTTP status.' });
export type MessageResponse = z.infer<typeof MessageResponse>;

export const ErrorResponse = MessageResponse.extend({
  errors: z.array(z.string()).optional(),
}).meta({ id: 'Error', description: 'Error envelope; `errors` only on bulk push and project registration.' });
export type ErrorResponse = z.infer<typeof ErrorResponse>;
