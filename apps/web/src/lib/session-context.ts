import { useRouteContext } from '@tanstack/react-router';
import type { Session } from '../auth/session';

/** The signed-in session, for the few places that call the REST API directly (CSV downloads). */
export const useSession = (): Session => useRouteContext({ from: '__root__' }).session;
