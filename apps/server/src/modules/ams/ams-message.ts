import { MAX_LENGTH, textProblem } from '@acc/contracts';
import { badRequest } from '../../errors.js';

export const amsMessageErrors = {
  dataMissing: 'message.data may not be empty.',
  undecodable: (detail: string) => `Cannot parse the AMS message data: ${detail}`,
};

/** The parts of a service-catalogue message the listener acts on; everything else is ignored. */
export interface ServiceCatalogueMessage {
  status?: unknown;
  provider?: { id?: unknown; name?: unknown; abbreviation?: unknown; logo?: unknown; website?: unknown };
  service?: { id?: unknown; name?: unknown; resourceOrganisation?: unknown };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads `message.data` of an AMS push: base64 → UTF-8 → JSON (§4.14). Data that cannot be decoded is the
 * sender's fault, so it is a 400 with the parse error (fixed vs original: a 500), as is a delivery
 * without any data. The provider and service fields go through the §4.4/§4.6 contracts later; the
 * organisation, looked up directly, is bounded here.
 */
export function decodeServiceCatalogueMessage(push: { message?: unknown }): ServiceCatalogueMessage {
  const message = push.message;
  const data = message && typeof message === 'object' ? (message as { data?: unknown }).data : undefined;
  if (typeof data !== 'string' || data.trim() === '') throw badRequest(amsMessageErrors.dataMissing);
  let decoded: unknown;
  try {
    const compact = data.replace(/\s+/g, '');
    if (!BASE64.test(compact) && !BASE64URL.test(compact)) throw new Error('the data is not valid base64');
    decoded = JSON.parse(utf8.decode(Buffer.from(compact, BASE64.test(compact) ? 'base64' : 'base64url')));
  } catch (err) {
    throw badRequest(amsMessageErrors.undecodable((err as Error).message));
  }
  if (!decoded || typeof decoded !== 'object' || Array.isArray(decoded)) return {};
  const catalogue = decoded as ServiceCatalogueMessage;
  const organisation = catalogue.service?.resourceOrganisation;
  const problem = typeof organisation === 'string' ? textProblem('resourceOrganisation', organisation, MAX_LENGTH.id) : undefined;
  if (problem) throw badRequest(problem);
  return catalogue;
}
