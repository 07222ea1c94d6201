import { useState } from 'react';
import { useNavigate } from '@tanstack/react-router';
import { safeReturnTo, type Session } from '../auth/session';

const ROLE_HINT = 'urn:geant:sandbox.eosc-beyond.eu:core:integration:group:accounting:<project>:role=viewer';

/** Production: one button to the issuer. Dev mode: the dev admin, or a person with entitlements typed in. */
export function SignIn({ session, redirect }: { session: Session; redirect?: string }) {
  const navigate = useNavigate();
  const returnTo = safeReturnTo(redirect);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [sub, setSub] = useState('');
  const [roles, setRoles] = useState('');

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const afterDev = () => navigate({ href: returnTo, replace: true });

  if (session.config.sign_in === 'oidc') {
    const host = new URL(session.config.issuer).host;
    return (
      <section className="sign-in" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in</h1>
        <p>You sign in with your organisation's identity provider ({host}).</p>
        <button type="button" disabled={busy} onClick={() => void run(() => session.signInRedirect(returnTo))}>
          Sign in with {host}
        </button>
        {error && (
          <p role="alert" className="state error">
            {error}
          </p>
        )}
      </section>
    );
  }

  return (
    <section className="sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in (dev mode)</h1>
      <p>This server runs in dev mode: it is its own token issuer. Production deployments sign in with OpenID Connect.</p>
      <button type="button" disabled={busy} onClick={() => void run(async () => (await session.devSignIn({}), await afterDev()))}>
        Sign in as the dev admin
      </button>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const entitlements = roles
            .split('\n')
            .map((r) => r.trim())
            .filter(Boolean);
          void run(async () => (await session.devSignIn({ sub: sub.trim(), entitlements }), await afterDev()));
        }}
      >
        <h2>…or as a person with a role</h2>
        <label>
          Person (subject)
          <input name="sub" required value={sub} onChange={(e) => setSub(e.target.value)} autoComplete="off" />
        </label>
        <label>
          Entitlements, one per line
          <textarea name="entitlements" rows={3} value={roles} placeholder={ROLE_HINT} onChange={(e) => setRoles(e.target.value)} />
        </label>
        <button type="submit" disabled={busy}>
          Sign in as this person
        </button>
      </form>
      {error && (
        <p role="alert" className="state error">
          {error}
        </p>
      )}
    </section>
  );
}
