import { lookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import ipaddr from 'ipaddr.js';
import { alertMessages } from '@acc/contracts';

/** What the deployment allows as webhook targets (ACC_WEBHOOK_ALLOW_HTTP, ACC_WEBHOOK_ALLOW_PRIVATE). */
export interface WebhookPolicy {
  allowHttp: boolean;
  allowPrivate: boolean;
}

/**
 * Only globally routable unicast addresses are public. ipaddr.js names every special range (loopback,
 * private, linkLocal, uniqueLocal, unspecified, carrier-grade NAT, multicast, 6to4/Teredo tunnels that
 * could wrap a private address, …); anything but `unicast` is refused, and `process` unwraps IPv4-mapped
 * IPv6 first so `::ffff:127.0.0.1` is judged as 127.0.0.1.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

/** The URL's host as an address literal (brackets of IPv6 removed), or undefined for a name. */
const literalOf = (hostname: string): string | undefined => {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) ? bare : undefined;
};

export class WebhookTargetError extends Error {}

/**
 * The scheme rule and, unless private targets are allowed, the address rule: a literal is judged as is,
 * a name by every address it resolves to (one private answer is enough to refuse). Returns the message
 * of alerts.md §1, or undefined when the URL may be used.
 */
export async function webhookUrlProblem(url: string, policy: WebhookPolicy): Promise<string | undefined> {
  const u = new URL(url);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && policy.allowHttp)) return alertMessages.webhookHttps;
  if (policy.allowPrivate) return undefined;
  const literal = literalOf(u.hostname);
  if (literal !== undefined) return isPublicAddress(literal) ? undefined : alertMessages.webhookPrivate;
  let addresses: LookupAddress[];
  try {
    addresses = await lookup(u.hostname, { all: true, verbatim: true });
  } catch {
    return alertMessages.webhookUnresolvable;
  }
  if (addresses.length === 0) return alertMessages.webhookUnresolvable;
  return addresses.every((a) => isPublicAddress(a.address)) ? undefined : alertMessages.webhookPrivate;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for node's http(s).request that refuses private answers: the address the request connects
 * to is the one checked, so a name that resolved to a public address at creation and to 127.0.0.1 now
 * (DNS rebinding) is refused at delivery.
 */
export const guardedLookup =
  (policy: WebhookPolicy) =>
  (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    lookup(hostname, { all: true, verbatim: true }).then(
      (addresses) => {
        const usable = policy.allowPrivate ? addresses : addresses.filter((a) => isPublicAddress(a.address));
        if (usable.length === 0) {
          callback(Object.assign(new WebhookTargetError(alertMessages.webhookPrivate), { code: 'EACCES' }), '', 0);
          return;
        }
        if (options.all) callback(null, usable);
        else callback(null, usable[0].address, usable[0].family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
