/**
 * Who may use the APEL endpoints (§1.1): publishers of records by certificate DN, readers of summaries by
 * token subject. The routes only apply these verdicts (status, and what to log).
 */
import { normaliseDn, signerHost } from '../apel/dn.js';

export type PublisherDecision = 'allowed' | 'banned' | 'unauthorised';

export interface AuthoriseOptions {
  /** `BANNED_FROM_POST`: full DNs, slash or RFC 4514 form. */
  banned: readonly string[];
  /** `ALLOWED_TO_POST`: full DNs, slash or RFC 4514 form. */
  allowed: readonly string[];
  /** Provider host names; only consulted when neither list decides. */
  providerHosts: () => Promise<readonly string[]>;
}

/**
 * Spec §1.1.3, in its order: banned wins, then the allowed list, then an exact match of the signer
 * host against the provider list. 'banned' and 'unauthorised' both mean 403; they are told apart
 * only for logging.
 */
export async function authorisePublisher(dn: string, opts: AuthoriseOptions): Promise<PublisherDecision> {
  const subject = normaliseDn(dn);
  if (subject === '') return 'unauthorised';
  if (opts.banned.some((d) => normaliseDn(d) === subject)) return 'banned';
  if (opts.allowed.some((d) => normaliseDn(d) === subject)) return 'allowed';

  const host = signerHost(subject);
  if (host === '') return 'unauthorised';
  let hosts: readonly string[];
  try {
    hosts = await opts.providerHosts();
  } catch {
    // Same rule as a failed fetch (§1.1.4): no provider list, but the DN lists above still work.
    hosts = [];
  }
  return hosts.includes(host) ? 'allowed' : 'unauthorised';
}

/** 401 without an identity, 403 for an identity without the right; `refusal` says why, for the log. */
export interface ApelRefusal {
  allowed: false;
  status: 401 | 403;
  refusal?: string;
}

/** `POST /api/v1/cloud/record`: the caller's DN (undefined when it has none) against the lists of §1.1.3. */
export async function publisherVerdict(
  dn: string | undefined,
  decide: (dn: string) => Promise<PublisherDecision>,
): Promise<{ allowed: true; dn: string } | ApelRefusal> {
  if (!dn) return { allowed: false, status: 401 };
  const decision = await decide(dn);
  return decision === 'allowed' ? { allowed: true, dn } : { allowed: false, status: 403, refusal: `POST refused (${decision}) for ${dn}` };
}

/** `GET` summaries: the token's subject (undefined when the token was refused) against `ALLOWED_FOR_GET`. */
export function summaryReaderVerdict(
  subject: string | undefined,
  allowedForGet: readonly string[],
): { allowed: true; subject: string } | ApelRefusal {
  if (subject === undefined) return { allowed: false, status: 401 };
  return allowedForGet.includes(subject) ? { allowed: true, subject } : { allowed: false, status: 403 };
}
