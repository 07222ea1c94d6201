import { REST_BASE, type Page, type PageLink, type PageQuery } from '@acc/contracts';

/**
 * The request a page answers, as far as its links need it: the path below the REST base and the query in
 * the order received. A plain shape, so the domain does not depend on the transport's exchange type.
 */
export interface ListingRequest {
  path: string;
  query: [string, string][];
}

export const offsetOf = (q: PageQuery) => (q.page - 1) * q.size;

/**
 * The §1.4 envelope. Links keep every other query parameter in the order received and use the requested
 * size (fixed vs original).
 */
export function toPage<T>(http: ListingRequest, publicUrl: string, q: PageQuery, total: number, content: T[]): Page<T> {
  const totalPages = Math.max(1, Math.ceil(total / q.size));
  const extra = http.query.filter(([k]) => k !== 'page' && k !== 'size');
  const href = (page: number) => {
    const params = new URLSearchParams([['page', String(page)], ['size', String(q.size)], ...extra]);
    return `${publicUrl}${REST_BASE}${http.path}?${params.toString()}`;
  };
  const links: PageLink[] = [];
  if (totalPages > 1 && q.page <= totalPages) {
    links.push({ href: href(1), rel: 'first' }, { href: href(totalPages), rel: 'last' }, { href: href(q.page), rel: 'self' });
    if (q.page > 1) links.push({ href: href(q.page - 1), rel: 'prev' });
    if (q.page < totalPages) links.push({ href: href(q.page + 1), rel: 'next' });
  }
  return { size_of_page: content.length, number_of_page: q.page, total_elements: total, total_pages: totalPages, content, links };
}
