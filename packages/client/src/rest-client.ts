import createClient, { type Client } from 'openapi-fetch';
import { normaliseEndpoint } from './endpoint.js';
import type { paths } from './openapi/schema.js';

export type { paths } from './openapi/schema.js';
export type RestClient = Client<paths>;

export interface RestClientOptions {
  /** Bare host or full base URL, normalised as for AccountingClient. */
  url: string;
  token?: string;
  fetch?: (request: Request) => Promise<Response>;
}

/**
 * A thin REST client typed from the server's /openapi.json (regenerate with `npm run generate:openapi`).
 * Paths include the `/accounting-system` prefix, exactly as the document lists them. It has none of
 * AccountingClient's retries or error classes: openapi-fetch returns `{ data, error, response }`.
 */
export function createRestClient(options: RestClientOptions): RestClient {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = options.token?.trim();
  if (token) headers.Authorization = `Bearer ${token}`;
  return createClient<paths>({ baseUrl: normaliseEndpoint(options.url), headers, ...(options.fetch && { fetch: options.fetch }) });
}
