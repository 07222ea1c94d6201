import { lazy, Suspense, useEffect, useState } from 'react';
import { createRootRouteWithContext, createRoute, createRouter, Link, Outlet, redirect, useNavigate, useRouter } from '@tanstack/react-router';
import type { Session } from './auth/session';
import { alertsSearch, overviewSearch, rangeSearch, signInSearch } from './lib/search';
import { Overview } from './views/Overview';
import { SignIn } from './views/SignIn';
import { Loading } from './views/states';

export interface RouterContext {
  session: Session;
}

// Views beyond the overview load on demand, so the overview's first load carries no chart library.
const InstallationView = lazy(() => import('./views/Installation').then((m) => ({ default: m.InstallationView })));
const ProjectView = lazy(() => import('./views/Project').then((m) => ({ default: m.ProjectView })));
const CatalogueView = lazy(() => import('./views/Catalogue').then((m) => ({ default: m.Catalogue })));
const ProviderView = lazy(() => import('./views/Project').then((m) => ({ default: m.ProviderView })));
const AlertsView = lazy(() => import('./views/Alerts').then((m) => ({ default: m.AlertsView })));
const ProjectProviderView = lazy(() => import('./views/Project').then((m) => ({ default: m.ProjectProviderView })));

function Layout() {
  const { session } = rootRoute.useRouteContext();
  const router = useRouter();
  const [subject, setSubject] = useState(session.subject());
  useEffect(() => session.subscribe(() => setSubject(session.subject())), [session]);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <nav aria-label="Main">
          <Link to="/" className="brand">
            acc
          </Link>
          <Link to="/" activeOptions={{ exact: true }}>
            Overview
          </Link>
          <Link to="/alerts">Alerts</Link>
          <Link to="/catalogue">Catalogue</Link>
        </nav>
        {subject && (
          <div className="who">
            <span data-testid="subject">{subject}</span>
            <button type="button" onClick={() => void session.signOut().then(() => router.navigate({ to: '/sign-in', search: {} }))}>
              Sign out
            </button>
          </div>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading what="the view" />}>
          <Outlet />
        </Suspense>
      </main>
    </>
  );
}

export const rootRoute = createRootRouteWithContext<RouterContext>()({ component: Layout });

/** Every page but sign-in needs a token; without one the person signs in and comes back here. */
const signedIn = ({ context, location }: { context: RouterContext; location: { href: string } }) => {
  // TanStack Router's way to redirect from beforeLoad is to throw its redirect object.
  // eslint-disable-next-line @typescript-eslint/only-throw-error
  if (!context.session.token()) throw redirect({ to: '/sign-in', search: { redirect: location.href } });
};

const overviewRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  validateSearch: overviewSearch,
  beforeLoad: signedIn,
  component: function OverviewPage() {
    const { q } = overviewRoute.useSearch();
    return <Overview q={q} />;
  },
});

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  validateSearch: signInSearch,
  component: function SignInPage() {
    const { session } = signInRoute.useRouteContext();
    const { redirect: to } = signInRoute.useSearch();
    return <SignIn session={session} redirect={to} />;
  },
});

const callbackRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/auth/callback',
  component: function CallbackPage() {
    const { session } = callbackRoute.useRouteContext();
    const navigate = useNavigate();
    const [error, setError] = useState<string>();
    useEffect(() => {
      session.completeSignIn().then(
        (to) => navigate({ href: to, replace: true }),
        (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
      );
    }, [session, navigate]);
    return error ? (
      <p role="alert" className="state error">
        Sign-in failed: {error} <Link to="/sign-in">Try again</Link>
      </p>
    ) : (
      <Loading what="your session" />
    );
  },
});

export const installationRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/installations/$installationId',
  validateSearch: rangeSearch,
  beforeLoad: signedIn,
  component: function InstallationPage() {
    const { installationId } = installationRoute.useParams();
    return <InstallationView id={installationId} search={installationRoute.useSearch()} />;
  },
});

export const projectRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/projects/$projectId',
  validateSearch: rangeSearch,
  beforeLoad: signedIn,
  component: function ProjectPage() {
    const { projectId } = projectRoute.useParams();
    return <ProjectView id={projectId} search={projectRoute.useSearch()} />;
  },
});

export const projectProviderRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/projects/$projectId/providers/$providerId',
  validateSearch: rangeSearch,
  beforeLoad: signedIn,
  component: function ProjectProviderPage() {
    const { projectId, providerId } = projectProviderRoute.useParams();
    return <ProjectProviderView projectId={projectId} providerId={providerId} search={projectProviderRoute.useSearch()} />;
  },
});

export const providerRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/providers/$providerId',
  validateSearch: rangeSearch,
  beforeLoad: signedIn,
  component: function ProviderPage() {
    const { providerId } = providerRoute.useParams();
    return <ProviderView id={providerId} search={providerRoute.useSearch()} />;
  },
});

const alertsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/alerts',
  validateSearch: alertsSearch,
  beforeLoad: signedIn,
  component: function AlertsPage() {
    return <AlertsView scope={alertsRoute.useSearch()} />;
  },
});

const catalogueRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/catalogue',
  beforeLoad: signedIn,
  component: CatalogueView,
});

const routeTree = rootRoute.addChildren([
  alertsRoute,
  catalogueRoute,
  overviewRoute,
  signInRoute,
  callbackRoute,
  installationRoute,
  projectRoute,
  projectProviderRoute,
  providerRoute,
]);

export function createAppRouter(session: Session) {
  return createRouter({ routeTree, context: { session }, defaultPreload: false });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
