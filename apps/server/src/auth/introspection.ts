/** The tenant path's 401 when the authorisation server cannot vouch for the token either way. */
export const introspectionMessages = {
  unavailable: 'The access token could not be validated by its issuer.',
};

export interface IntrospectionClient {
  /** The configured endpoint: `{auth_server_url}{introspection_path}` for a tenant (§3.1), `{issuer}/introspect` for APEL. */
  url: string;
  clientId: string;
  secret: string;
}

export interface IntrospectionOptions {
  fetchImpl?: typeof fetch;
  /** An authorisation server that hangs must not hold the request forever. */
  timeoutMs?: number;
}

/**
 * RFC 7662 token introspection, the one client for OIDC tenants and APEL: HTTP Basic with the client's
 * credentials, `token=<token>` as a form. Resolves to the response object (whether it is `active` is the
 * caller's decision), or undefined when the endpoint cannot vouch for the token: unreachable, not 2xx,
 * or not a JSON object. Redirects are not followed, so the token is only ever sent to the configured URL.
 */
export async function introspect(
  client: IntrospectionClient,
  token: string,
  opts: IntrospectionOptions = {},
): Promise<Record<string, unknown> | undefined> {
  const fetchImpl = opts.fetchImpl ?? ((input, init) => fetch(input, init));
  try {
    const res = await fetchImpl(client.url, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${client.clientId}:${client.secret}`, 'utf8').toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      body: new URLSearchParams({ token }).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
    });
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      return undefined;
    }
    const body: unknown = await res.json();
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
