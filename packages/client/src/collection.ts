import type { Page as ContractPage } from '@acc/contracts';
import { AccServiceError } from './errors.js';

/** The §1.4 envelope of the contracts; `links` may be missing, since paging needs only the counts. */
export type Page<T> = Omit<ContractPage<T>, 'links'> & Partial<Pick<ContractPage<T>, 'links'>>;

export type PageFetcher<R> = (page: number, size: number | undefined) => Promise<Page<R>>;

export interface CollectionSource<T, R> {
  fetchPage: PageFetcher<R>;
  wrap: (raw: R) => T;
  pageSize?: number;
  /** The entry GET; collections without one (search results, reports' lists) reject `get`. */
  entry?: (id: string) => Promise<T>;
}

/**
 * A lazily paged server list (§2.1). Iteration always walks the live list from page 1 and keeps nothing,
 * so a collection of millions of metrics streams in constant memory; `page`/`at`/`first` memoise the
 * pages they fetch on this instance only, until `refresh()`.
 */
export class Collection<T, R = T> implements AsyncIterable<T> {
  readonly #source: CollectionSource<T, R>;
  readonly #pages = new Map<number, Promise<Page<R>>>();

  constructor(source: CollectionSource<T, R>) {
    this.#source = source;
  }

  protected get source(): CollectionSource<T, R> {
    return this.#source;
  }

  /** The page size sent as `size`, if any (the server defaults to 10). */
  get pageSize(): number | undefined {
    return this.#source.pageSize;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (let n = 1; ; n++) {
      const page = await this.#source.fetchPage(n, this.#source.pageSize);
      for (const raw of page.content) yield this.#source.wrap(raw);
      // The server's own metadata decides, so any page size works, even one the server chose itself.
      if (page.content.length === 0 || !(page.number_of_page < page.total_pages)) return;
    }
  }

  async toArray(): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this) out.push(item);
    return out;
  }

  /** One raw page (1-based), memoised. */
  page(n: number): Promise<Page<R>> {
    if (!Number.isInteger(n) || n < 1) return Promise.reject(new RangeError('Page number must be >= 1.'));
    let p = this.#pages.get(n);
    if (!p) {
      p = this.#source.fetchPage(n, this.#source.pageSize);
      this.#pages.set(n, p);
      // A failed fetch must not be remembered, or the collection could never recover.
      p.catch(() => this.#pages.delete(n));
    }
    return p;
  }

  /** Total number of elements, as page 1 reports it. */
  async count(): Promise<number> {
    return (await this.page(1)).total_elements;
  }

  /**
   * The element at a 0-based index (negative counts from the end), or `undefined` past either end. Page 1
   * reveals the server's real page length, so at most one more page is fetched.
   */
  async at(index: number): Promise<T | undefined> {
    if (!Number.isInteger(index)) throw new RangeError('Index must be an integer.');
    const first = await this.page(1);
    const n = index < 0 ? first.total_elements + index : index;
    if (n < 0 || n >= first.total_elements) return undefined;
    const perPage = first.content.length;
    if (perPage === 0) return undefined;
    if (n < perPage) return this.#source.wrap(first.content[n]);
    const pageNo = Math.floor(n / perPage) + 1;
    const page = await this.page(pageNo);
    const raw = page.content[n - (pageNo - 1) * perPage];
    return raw === undefined ? undefined : this.#source.wrap(raw);
  }

  first(): Promise<T | undefined> {
    return this.at(0);
  }

  /** Drops the memoised pages, so the next `page`/`at` sees the server's current state. */
  refresh(): this {
    this.#pages.clear();
    return this;
  }

  /** The entry GET; a 404 throws `AccServiceError`. */
  get(id: string): Promise<T> {
    if (!this.#source.entry) return Promise.reject(new TypeError('This collection has no entry lookup.'));
    return this.#source.entry(id);
  }

  /** Like `get`, but `undefined` on 404; every other error is rethrown. */
  async find(id: string): Promise<T | undefined> {
    try {
      return await this.get(id);
    } catch (err) {
      if (err instanceof AccServiceError && err.status === 404) return undefined;
      throw err;
    }
  }
}
