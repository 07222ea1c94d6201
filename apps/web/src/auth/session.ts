import type { UserManager } from 'oidc-client-ts';
import type { UiConfig } from './config';

/** Where the page is sent back to after signing in (path + query of the page first asked for). */
export type ReturnTo = string;

export interface Session {
  readonly config: UiConfig;
  /** The bearer token for API calls, or undefined when signed out (or expired beyond renewal). */
  token(): string | undefined;
  /** Who is signed in, for the header. */
  subject(): string | undefined;
  /** Production: starts the authorization-code + PKCE redirect; returns only if it could not start. */
  signInRedirect(returnTo: ReturnTo): Promise<void>;
  /** Dev mode: `{}` for the dev admin, or a person with entitlements. */
  devSignIn(body: { sub?: string; entitlements?: string[] }): Promise<void>;
  /** Completes the redirect on /auth/callback and tells where to go next. */
  completeSignIn(): Promise<ReturnTo>;
  signOut(): Promise<void>;
  /** Called whenever the session changes (sign-in, renewal, sign-out, expiry). */
  subscribe(listener: () => void): () => void;
}

const DEV_KEY = 'acc.dev-session';
interface DevSession {
  token: string;
  sub: string;
  expiresAt: number;
}

/** A page outside a known path after sign-in would be an open redirect: only same-origin paths are kept. */
export const safeReturnTo = (value: unknown): ReturnTo =>
  typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/auth/') ? value : '/';

/**
 * Tokens live in session storage (per tab, gone with it), never in local storage or cookies. In production
 * oidc-client-ts keeps the user there, renews it silently before it expires and ends the session at the
 * issuer on sign-out; in dev mode the server's dev issuer mints the token.
 */
export async function createSession(config: UiConfig): Promise<Session> {
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((l) => l());
  let manager: UserManager | undefined;
  let oidcUser: { access_token: string; expired?: boolean; profile: { sub: string; name?: string } } | null = null;
  /** The one code exchange of the callback URL being completed (see completeSignIn). */
  let callback: { url: string; done: Promise<ReturnTo> } | undefined;

  if (config.sign_in === 'oidc') {
    if (!config.client_id) throw new Error('Sign-in is not configured: the server has no ACC_UI_OIDC_CLIENT_ID.');
    const { UserManager: Manager, WebStorageStateStore } = await import('oidc-client-ts');
    const origin = window.location.origin;
    manager = new Manager({
      authority: config.issuer,
      client_id: config.client_id,
      redirect_uri: `${origin}/auth/callback`,
      silent_redirect_uri: `${origin}/auth/silent`,
      post_logout_redirect_uri: `${origin}/`,
      response_type: 'code',
      scope: config.scopes,
      automaticSilentRenew: true,
      userStore: new WebStorageStateStore({ store: window.sessionStorage }),
      stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
    });
    oidcUser = await manager.getUser();
    if (oidcUser?.expired) oidcUser = null;
    manager.events.addUserLoaded((user) => {
      oidcUser = user;
      changed();
    });
    manager.events.addUserUnloaded(() => {
      oidcUser = null;
      changed();
    });
    manager.events.addSilentRenewError(() => {
      // Renewal failed: the token runs out; the next 401 sends the person to sign in again.
      changed();
    });
    manager.events.addAccessTokenExpired(() => {
      void manager!.removeUser();
    });
  }

  const readDev = (): DevSession | undefined => {
    try {
      const raw = window.sessionStorage.getItem(DEV_KEY);
      const dev = raw ? (JSON.parse(raw) as DevSession) : undefined;
      return dev && dev.expiresAt > Date.now() ? dev : undefined;
    } catch {
      return undefined;
    }
  };

  return {
    config,
    token: () => (manager ? (oidcUser && !oidcUser.expired ? oidcUser.access_token : undefined) : readDev()?.token),
    subject: () => (manager ? (oidcUser?.profile.name ?? oidcUser?.profile.sub) : readDev()?.sub),
    async signInRedirect(returnTo) {
      if (!manager) throw new Error('Not an OpenID Connect deployment.');
      await manager.signinRedirect({ state: { returnTo: safeReturnTo(returnTo) } });
    },
    async devSignIn(body) {
      const res = await fetch('/dev/ui-token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = (await res.json()) as { access_token?: string; expires_in?: number; sub?: string; message?: string };
      if (!res.ok || !answer.access_token) throw new Error(answer.message ?? `Sign-in failed (${res.status}).`);
      const session: DevSession = {
        token: answer.access_token,
        sub: answer.sub ?? body.sub ?? 'dev admin',
        expiresAt: Date.now() + (answer.expires_in ?? 0) * 1000,
      };
      window.sessionStorage.setItem(DEV_KEY, JSON.stringify(session));
      changed();
    },
    completeSignIn() {
      if (!manager) return Promise.resolve('/');
      // An authorization code is good once: the callback page may ask again (its effect re-runs when the
      // router re-renders), and a second exchange of the same code makes the provider revoke the grant,
      // refresh token included, so silent renewal would then fail. One exchange per callback URL.
      const url = window.location.href;
      if (callback?.url !== url) {
        const m = manager;
        callback = {
          url,
          done: (async () => {
            const user = await m.signinRedirectCallback(url);
            oidcUser = user;
            changed();
            return safeReturnTo((user.state as { returnTo?: unknown } | undefined)?.returnTo);
          })(),
        };
      }
      return callback.done;
    },
    async signOut() {
      window.sessionStorage.removeItem(DEV_KEY);
      if (manager) {
        const metadata = await manager.metadataService.getMetadata().catch(() => undefined);
        if (metadata?.end_session_endpoint) return manager.signoutRedirect();
        await manager.removeUser();
      }
      oidcUser = null;
      changed();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The hidden iframe of silent renewal loads /auth/silent: it only hands the answer to its parent. */
export async function completeSilentRenewal(): Promise<void> {
  const { UserManager: Manager } = await import('oidc-client-ts');
  await new Manager({ authority: '', client_id: '', redirect_uri: '' }).signinSilentCallback();
}
