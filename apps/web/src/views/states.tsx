import { messageOf, statusOf } from '../lib/trpc';

/** Loading, empty and error states are explicit; an API error shows the server's own message. */
export function Loading({ what }: { what: string }) {
  return (
    <p className="state loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: React.ReactNode }) {
  return <p className="state empty">{children}</p>;
}

export function ErrorMessage({ error }: { error: unknown }) {
  const status = statusOf(error);
  return (
    <p className="state error" role="alert">
      {status !== undefined && <span className="status">{status}</span>} <span data-testid="server-message">{messageOf(error)}</span>
    </p>
  );
}
