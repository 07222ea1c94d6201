import { REST_BASE, type ProcedureContract } from '@acc/contracts';
import type { AppRouter } from '../router.js';

export const UNMATCHED = 'unmatched';

/**
 * Names a request by the route that serves it (`/accounting-system/unit-types/{id}`,
 * `/trpc/unitTypes.list`), never by its raw URL: ids and typos in paths would otherwise each become
 * a new metric series.
 */
export function createRouteNamer(appRouter: AppRouter) {
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: { contract?: ProcedureContract } } }>;
  const rest: { pattern: RegExp; template: string }[] = [];
  for (const proc of Object.values(procedures)) {
    const c = proc._def.meta?.contract;
    if (!c) continue;
    const template = `${REST_BASE}${c.path}`;
    if (rest.some((r) => r.template === template)) continue;
    const source = template
      .split(/(\{\w+\})/)
      .map((part) => (/^\{\w+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    rest.push({ pattern: new RegExp(`^${source}/?$`), template });
  }
  // Literal segments win over parameters (`/x/search` before `/x/{id}`), as the bridge resolves them.
  rest.sort((a, b) => b.template.replace(/\{\w+\}/g, '').length - a.template.replace(/\{\w+\}/g, '').length);

  return {
    rest(path: string): string {
      return rest.find((r) => r.pattern.test(path))?.template ?? UNMATCHED;
    },
    trpc(path: string): string {
      const names = decodeURIComponent(path.slice('/trpc/'.length)).split(',');
      if (names.length === 0 || !names.every((n) => Object.hasOwn(procedures, n))) return UNMATCHED;
      // Batches combine procedures freely; one label keeps their combinations from multiplying series.
      return names.length === 1 ? `/trpc/${names[0]}` : '/trpc/(batch)';
    },
  };
}

export type RouteNamer = ReturnType<typeof createRouteNamer>;
