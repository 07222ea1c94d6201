/** What `GET /ui-config.json` tells the page: how to sign in on this server. */
export type UiConfig = { sign_in: 'dev' } | { sign_in: 'oidc'; issuer: string; client_id: string | null; scopes: string };

export async function loadUiConfig(): Promise<UiConfig> {
  const res = await fetch('/ui-config.json', { headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET /ui-config.json answered ${res.status}`);
  return (await res.json()) as UiConfig;
}
