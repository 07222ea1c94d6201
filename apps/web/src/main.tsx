import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { loadUiConfig } from './auth/config';
import { completeSilentRenewal, createSession } from './auth/session';
import { createApiClient, createQueryClient, TRPCProvider } from './lib/trpc';
import { createAppRouter } from './routes';
import './styles.css';

async function start() {
  const root = createRoot(document.getElementById('root')!);
  // The hidden iframe of silent renewal: hand the issuer's answer to the page and render nothing.
  if (window.location.pathname === '/auth/silent') return completeSilentRenewal();
  try {
    const session = await createSession(await loadUiConfig());
    const router = createAppRouter(session);
    const queryClient = createQueryClient(() => {
      // The token is gone or was refused: sign in again, then come back to this page.
      void session.signOut().then(() => router.navigate({ to: '/sign-in', search: { redirect: router.state.location.href } }));
    });
    const trpcClient = createApiClient(() => session.token());
    let subject = session.subject();
    session.subscribe(() => {
      // Another person (or nobody) now: nothing fetched for the previous one may show.
      if (session.subject() !== subject) queryClient.clear();
      subject = session.subject();
      void router.invalidate();
    });
    root.render(
      <StrictMode>
        <QueryClientProvider client={queryClient}>
          <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
            <RouterProvider router={router} />
          </TRPCProvider>
        </QueryClientProvider>
      </StrictMode>,
    );
  } catch (err) {
    root.render(
      <p role="alert" className="state error">
        The dashboard could not start: {err instanceof Error ? err.message : String(err)}
      </p>,
    );
  }
}

void start();
