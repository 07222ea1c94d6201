import type { DataSource } from 'typeorm';
import { MAX_LENGTH, textProblem } from '@acc/contracts';
import { badRequest } from '../errors.js';
import { ApelSummaryRepository, SUMMARY_PAGE_SIZE, type SummaryQuery, type SummaryRow } from './summary-repository.js';

export const SUMMARY_PATH = '/api/v1/cloud/record/summary';

export interface SummaryResponse {
  count: number;
  next: string | null;
  previous: string | null;
  results: SummaryRow[];
}

/** Last value of a repeated parameter (as Django's QueryDict.get), with empty meaning absent (§2.3). */
function param(params: URLSearchParams, key: string): string | undefined {
  const values = params.getAll(key);
  const value = values[values.length - 1];
  return value === undefined || value === '' ? undefined : value;
}

/** `YYYYMMDD` as UTC midnight, or undefined when it is not a real calendar date. */
export function parseYyyymmdd(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [year, month, day] = m.slice(1).map(Number);
  if (year < 1 || month < 1 || month > 12 || day < 1) return undefined;
  const d = new Date(0);
  // setUTCFullYear, because Date.UTC maps years 0..99 to 1900..1999.
  d.setUTCFullYear(year, month - 1, day);
  return d.getUTCMonth() === month - 1 && d.getUTCDate() === day ? d : undefined;
}

/** `page` per §2.4: anything but an integer is page 1; below 1 is page 1 as well. */
function parsePage(text: string | undefined): number {
  if (text === undefined || !/^\s*[+-]?\d+\s*$/.test(text)) return 1;
  const n = Number(text.trim());
  if (n === Infinity) return Number.MAX_SAFE_INTEGER; // clamped to the last page later
  return n >= 1 ? Math.min(n, Number.MAX_SAFE_INTEGER) : 1;
}

/** The §2.3 checks, in the spec's order; each failure is a 400 with the spec's message. */
export function parseSummaryQuery(params: URLSearchParams, now: Date = new Date()): SummaryQuery {
  const user = param(params, 'user');
  const group = param(params, 'group');
  const service = param(params, 'service');
  if ([user, group, service].filter((v) => v !== undefined).length >= 2) {
    throw badRequest('Only one of User, Group and Service can be set.');
  }
  const fromText = param(params, 'from');
  if (fromText === undefined) throw badRequest("'from' must be set in GET requests.");
  const from = parseYyyymmdd(fromText);
  if (!from) throw badRequest("'from' must be a date in YYYYMMDD format.");
  const toText = param(params, 'to');
  let to = now;
  if (toText !== undefined) {
    const parsed = parseYyyymmdd(toText);
    if (!parsed) throw badRequest("'to' must be a date in YYYYMMDD format.");
    to = parsed;
  }
  // After the §2.3 checks: a filter no stored field can equal (NUL is an error in SQL) is refused too.
  for (const [name, value] of [
    ['user', user],
    ['group', group],
    ['service', service],
  ] as const) {
    const problem = value === undefined ? undefined : textProblem(name, value, MAX_LENGTH.text);
    if (problem) throw badRequest(problem);
  }
  const filter: SummaryQuery['filter'] =
    user !== undefined
      ? { column: 'global_user_name', value: user }
      : group !== undefined
        ? { column: 'vo_group', value: group }
        : service !== undefined
          ? // `service` filters on SiteName, not CloudComputeService (§2.3).
            { column: 'site_name', value: service }
          : undefined;
  return { from, to, filter, page: parsePage(param(params, 'page')) };
}

/** Python's `quote_plus`, so links match what the original (Django REST framework) produced. */
const quotePlus = (s: string) =>
  encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');

/**
 * The request URL with `page` replaced and every key in alphabetical order (§2.4), as DRF's
 * `replace_query_param` builds it: all values of a repeated key kept, blank values kept.
 */
export function pageLink(publicUrl: string, params: URLSearchParams, page: number): string {
  const byKey = new Map<string, string[]>();
  for (const [k, v] of params) {
    const list = byKey.get(k);
    if (list) list.push(v);
    else byKey.set(k, [v]);
  }
  byKey.set('page', [String(page)]);
  const keys = [...byKey.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const query = keys.flatMap((k) => byKey.get(k)!.map((v) => `${quotePlus(k)}=${quotePlus(v)}`)).join('&');
  return `${publicUrl}${SUMMARY_PATH}?${query}`;
}

export class ApelSummaryService {
  constructor(
    private readonly db: DataSource,
    private readonly publicUrl: string,
  ) {}

  /** Throws badRequest for §2.3 violations; any other failure is the storage's (500). */
  async summaries(params: URLSearchParams, now: Date = new Date()): Promise<SummaryResponse> {
    const query = parseSummaryQuery(params, now);
    const { count, page, rows } = await new ApelSummaryRepository(this.db.manager).page(query);
    const lastPage = Math.max(1, Math.ceil(count / SUMMARY_PAGE_SIZE));
    return {
      count,
      next: page < lastPage ? pageLink(this.publicUrl, params, page + 1) : null,
      previous: page > 1 ? pageLink(this.publicUrl, params, page - 1) : null,
      results: rows,
    };
  }
}
