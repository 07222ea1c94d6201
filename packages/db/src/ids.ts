import { randomBytes } from 'node:crypto';

/** Server-generated ids are 24-char lowercase hex, the ObjectId format existing clients expect (§1.1). */
export const newObjectId = (): string => randomBytes(12).toString('hex');
