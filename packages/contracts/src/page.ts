import { z } from 'zod';
import { queryInteger } from './fields.js';
import { PAGE_SIZE } from './limits.js';
import { messages } from './messages.js';

export const PageLink = z.object({ href: z.string(), rel: z.enum(['first', 'last', 'self', 'prev', 'next']) }).meta({ id: 'PageLink' });
export type PageLink = z.infer<typeof PageLink>;

/** The pagination envelope (§1.4); `size_of_page` is the number of items actually returned. */
export const pageOf = <T extends z.ZodType>(item: T, id: string) =>
  z
    .object({
      size_of_page: z.number().int(),
      number_of_page: z.number().int(),
      total_elements: z.number().int(),
      total_pages: z.number().int(),
      content: z.array(item),
      links: z.array(PageLink),
    })
    .meta({ id });

export interface Page<T> {
  size_of_page: number;
  number_of_page: number;
  total_elements: number;
  total_pages: number;
  content: T[];
  links: PageLink[];
}

export const pageParams = {
  page: queryInteger(messages.pageNumber, 1, Number.MAX_SAFE_INTEGER, 1),
  size: queryInteger(messages.pageSize, 1, PAGE_SIZE.max, PAGE_SIZE.default),
};
export const searchPageParams = {
  page: pageParams.page,
  size: queryInteger(messages.pageSizeSearch, 1, PAGE_SIZE.maxSearch, PAGE_SIZE.default),
};
export const PageQuery = z.object(pageParams);
export type PageQuery = z.infer<typeof PageQuery>;
