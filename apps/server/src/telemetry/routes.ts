export const UNMATCHED = 'unmatched';

/**
 * Names a tRPC request by the procedures it calls (`/trpc/unitTypes.list`), never by its raw URL: typos
 * in paths would otherwise each become a new metric series. REST routes are named by Fastify's router
 * (the contract's path template), see http/fastify-app.ts.
 */
export function createTrpcRouteNamer(names: Iterable<string>) {
  const known = new Set(names);
  return (path: string): string => {
    let called: string[];
    try {
      called = decodeURIComponent(path.slice('/trpc/'.length)).split(',');
    } catch {
      return UNMATCHED;
    }
    if (called.length === 0 || !called.every((n) => known.has(n))) return UNMATCHED;
    // Batches combine procedures freely; one label keeps their combinations from multiplying series.
    return called.length === 1 ? `/trpc/${called[0]}` : '/trpc/(batch)';
  };
}
