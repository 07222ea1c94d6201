import type { JWTPayload } from 'jose';
import type { AccessPolicy } from './entitlements.js';

/** The authenticated caller as every procedure sees it. */
export interface Caller {
  /** The person claim, else the service claim: becomes `creator_id`. */
  id: string;
  issuer: string;
  name: string;
  email: string;
  claims: JWTPayload;
  policy: AccessPolicy;
}
