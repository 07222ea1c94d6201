/**
 * The APEL trusted-issuer list (`IAM_HOSTNAME_LIST`, spec §2.1.6–8), matched by URL, not by text.
 *
 * The spec's comparison (scheme and every `/` removed) let `https://host/a/pel` pass as `https://host/apel`
 * and `https://iam.example.co/m` as `iam.example.com`, and the keys were then fetched from the token's own
 * `iss`. Here an issuer is a WHATWG URL compared by scheme, host, port and path, and a match yields the
 * *configured* issuer, so keys and introspection are only ever fetched from a URL the operator wrote.
 */

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface TrustedIssuer {
  /** `scheme://host[:port][/path]`, no trailing slash: the JWKS is at `{base}/jwk`, introspection at `{base}/introspect`. */
  base: string;
}

/**
 * The canonical form of an issuer URL, or undefined when it cannot be a trusted issuer. Only the host is
 * normalised (host names are case-insensitive; a default port is no port); every other spelling the URL
 * parser would rewrite — dot segments, backslashes, escapes — is refused, so one issuer has one form.
 */
export function canonicalIssuer(text: string, allowHttp = false): string | undefined {
  const parts = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#\\]*)([^?#]*)$/.exec(text);
  if (!parts) return undefined; // no scheme, a query or a fragment
  const [, , authority, path] = parts;
  // Userinfo (`https://trusted@evil`) and escaped host names have no place in an issuer.
  if (authority === '' || /[@%]/.test(authority) || path.includes('\\')) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol === 'http:') {
    if (!allowHttp || !LOCAL_HOSTS.has(url.hostname)) return undefined;
  } else if (url.protocol !== 'https:') return undefined;
  const trimmed = path.replace(/\/+$/, '');
  if (url.pathname.replace(/\/+$/, '') !== trimmed) return undefined;
  return `${url.protocol}//${url.host}${trimmed}`;
}

/**
 * A configured entry: an issuer URL, or a bare host name meaning `https://<host>` with no path (a
 * trailing slash is tolerated, as in the spec's `iam-test.indigo-datacloud.eu/`). Undefined when unusable.
 */
export function configuredIssuer(entry: string, allowHttp = false): string | undefined {
  const text = entry.trim();
  if (text.includes('://')) return canonicalIssuer(text, allowHttp);
  const canonical = canonicalIssuer(`https://${text}`);
  return canonical !== undefined && new URL(canonical).pathname === '/' ? canonical : undefined;
}

/** Why an entry of `ACC_APEL_IAM_ISSUERS` is refused, for the start-up error. */
export function issuerEntryProblem(entry: string, allowHttp: boolean): string | undefined {
  if (configuredIssuer(entry, allowHttp) !== undefined) return undefined;
  if (!allowHttp && configuredIssuer(entry, true) !== undefined) {
    return `${JSON.stringify(entry)} is an http:// issuer; only ACC_APEL_ALLOW_HTTP_ISSUERS (tests, dev) allows one, on 127.0.0.1 or localhost`;
  }
  return `${JSON.stringify(entry)} is neither an https:// issuer URL (no userinfo, query or fragment) nor a bare host name`;
}

export class TrustedIssuers {
  private readonly byCanonical = new Map<string, TrustedIssuer>();

  /** Throws on an unusable entry: a list that silently trusts less than configured is a silent outage. */
  constructor(
    entries: readonly string[],
    private readonly allowHttp = false,
  ) {
    for (const entry of entries) {
      const problem = issuerEntryProblem(entry, allowHttp);
      if (problem) throw new Error(`ACC_APEL_IAM_ISSUERS: ${problem}.`);
      const base = configuredIssuer(entry, allowHttp)!;
      this.byCanonical.set(base, { base });
    }
  }

  /** The configured issuer a token's `iss` names exactly, if any. */
  match(iss: string): TrustedIssuer | undefined {
    const canonical = canonicalIssuer(iss, this.allowHttp);
    return canonical === undefined ? undefined : this.byCanonical.get(canonical);
  }
}
