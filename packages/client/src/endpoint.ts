/** The service's default host, as the original library and CLI use it. */
export const DEFAULT_HOST = 'api.devel.acc.argo.grnet.gr';

/**
 * §1: a bare host gets `https://`, a full URL keeps its scheme (and port and base path), and trailing
 * slashes go, so routes can be appended as `{endpoint}/accounting-system/...`.
 */
export function normaliseEndpoint(endpoint: string): string {
  const text = endpoint.trim();
  if (text === '') throw new TypeError('The endpoint must not be empty.');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  const url = new URL(withScheme);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}`;
}
