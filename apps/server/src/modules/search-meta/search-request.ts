import { PageQuery } from '@acc/contracts';
import type { z } from 'zod';
import { badRequest } from '../../errors.js';
import { parseCriterion, searchMessages, type Criterion, type SearchField } from '../../search/index.js';
import type { HttpExchange } from '../../trpc/context.js';

export interface SearchRequest {
  criterion: Criterion;
  page: PageQuery;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The criterion and paging of a `POST …/search` (§6), whichever transport carried it. REST: the raw JSON
 * body (the bridge would have turned an array or a scalar into an object) and `page`/`size` from the
 * query string. tRPC: the input itself, with `page`/`size` beside the criterion fields.
 *
 * Checks run as the procedure builder orders them for other endpoints: the body's presence and shape,
 * then paging, then the criterion. `paging` defaults to the 1..100 sizes; metrics pass their 1..1000 rule.
 */
export function readSearchRequest(
  http: HttpExchange,
  input: Record<string, unknown> | undefined,
  fields: readonly SearchField[],
  paging: z.ZodType<PageQuery, unknown> = PageQuery,
): SearchRequest {
  let body: unknown = input;
  let pageSource: Record<string, unknown> = input ?? {};
  if (http.transport === 'rest') {
    if (http.body.state === 'none' || http.body.state === 'empty') throw badRequest(searchMessages.bodyEmpty);
    if (http.body.state === 'malformed') throw badRequest(searchMessages.malformed);
    body = http.body.value;
    pageSource = Object.fromEntries(http.query);
  }
  if (body === undefined || body === null) throw badRequest(searchMessages.bodyEmpty);
  if (!isObject(body)) throw badRequest(searchMessages.malformed);
  const page = paging.safeParse({ page: pageSource.page, size: pageSource.size });
  if (!page.success) throw badRequest(page.error.issues[0]?.message ?? 'The request is invalid.');
  return { criterion: parseCriterion(body, fields), page: page.data };
}
