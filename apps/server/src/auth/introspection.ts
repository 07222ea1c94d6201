import { unauthorized } from '../errors.js';

export const introspectionMessages = {
  unavailable: 'The access token could not be validated by its issuer.',
};

export interface IntrospectionClient {
  /** `{auth_server_url}{introspection_path}`, joined as configured (§3.1). */
  url: string;
  clientId: string;
  secret: string;
}

const TIMEOUT_MS = 5000;

/**
 * RFC 7662 token introspection: the tenant's client authenticates with HTTP Basic and posts
 * `token=<token>` as a form. Returns the response object; whether it is `active` is the caller's
 * decision. An unreachable or misbehaving endpoint cannot vouch for the token, so that is a 401 too
 * (§3.1: a token that fails validation gives 401), never the token's text in any message.
 */
export async function introspect(client: IntrospectionClient, token: string): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(client.url, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${client.clientId}:${client.secret}`, 'utf8').toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      body: new URLSearchParams({ token }).toString(),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    throw unauthorized(introspectionMessages.unavailable);
  }
  if (!res.ok) throw unauthorized(introspectionMessages.unavailable);
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw unauthorized(introspectionMessages.unavailable);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw unauthorized(introspectionMessages.unavailable);
  return body as Record<string, unknown>;
}
