import { searchPageParams, type PageQuery } from '@acc/contracts';
import { z } from 'zod';
import { badRequest } from '../../errors.js';
import type { HttpExchange } from '../../trpc/context.js';

/**
 * A query parameter of a POST. The REST bridge builds a POST's input from the body and path only, so
 * query parameters (`externalId`, `page`, `size`) are read from the exchange; over tRPC they travel in
 * the input, which the caller passes as `fallback`.
 */
export function postQueryParam(http: HttpExchange, name: string, fallback: unknown): unknown {
  if (http.transport === 'trpc') return fallback;
  return http.query.find(([k]) => k === name)?.[1];
}

const SearchPage = z.object(searchPageParams);

/** `page`/`size` of a search (size ≤ 1000), with the §1.4 messages. */
export function searchPageOf(http: HttpExchange, input: Record<string, unknown>): PageQuery {
  const parsed = SearchPage.safeParse({ page: postQueryParam(http, 'page', input.page), size: postQueryParam(http, 'size', input.size) });
  if (!parsed.success) throw badRequest(parsed.error.issues[0]?.message ?? 'Invalid page.');
  return parsed.data;
}
