export type FetchLike = (
  url: string,
  init?: { signal?: AbortSignal },
) => Promise<{
  ok: boolean;
  status: number;
  text(): Promise<string>;
}>;

export interface ProviderHostsResult {
  hosts: string[];
  /** Why the list is empty, when it is because the fetch or parse failed. */
  error?: string;
}

export interface FetchProviderHostsOptions {
  fetchImpl?: FetchLike;
  /** A provider list that hangs would otherwise stall every POST waiting for it. */
  timeoutMs?: number;
}

/** `rows[].value.hostname` of a provider list document; anything not shaped like that is skipped. */
export function providerHostsFromJson(doc: unknown): string[] {
  const rows = (doc as { rows?: unknown } | null)?.rows;
  if (!Array.isArray(rows)) return [];
  const hosts: string[] = [];
  for (const row of rows) {
    const hostname = (row as { value?: { hostname?: unknown } } | null)?.value?.hostname;
    if (typeof hostname === 'string' && hostname !== '') hosts.push(hostname);
  }
  return hosts;
}

/**
 * GETs the provider list (§1.1.4). Never throws: any failure gives an empty list plus `error`,
 * so the caller decides how to log it.
 */
export async function fetchProviderHosts(
  url: string | undefined,
  fetchImplOrOptions?: FetchLike | FetchProviderHostsOptions,
): Promise<ProviderHostsResult> {
  if (!url) return { hosts: [] };
  const opts: FetchProviderHostsOptions = typeof fetchImplOrOptions === 'function' ? { fetchImpl: fetchImplOrOptions } : (fetchImplOrOptions ?? {});
  const fetchImpl: FetchLike = opts.fetchImpl ?? ((u, init) => fetch(u, init));
  try {
    const res = await fetchImpl(url, { signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) });
    if (!res.ok) {
      await res.text().catch(() => undefined); // release the connection
      return { hosts: [], error: `provider list ${url} answered HTTP ${res.status}` };
    }
    const body = await res.text();
    let doc: unknown;
    try {
      doc = JSON.parse(body);
    } catch (err) {
      return { hosts: [], error: `provider list ${url} is not JSON: ${(err as Error).message}` };
    }
    return { hosts: providerHostsFromJson(doc) };
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    return { hosts: [], error: `provider list ${url} unreachable: ${(err as Error).message}${cause ? ` (${cause})` : ''}` };
  }
}

export interface CachedProviderHostsOptions extends FetchProviderHostsOptions {
  onError?: (message: string) => void;
}

/**
 * The provider list behind a cache of at most `ttlMs` (the spec allows 60 s). Only successful
 * fetches are cached, so a provider list that comes back is used at once; concurrent callers
 * share one request in flight.
 */
export function cachedProviderHosts(
  url: string | undefined,
  ttlMs = 60_000,
  now: () => number = Date.now,
  options: CachedProviderHostsOptions = {},
): () => Promise<readonly string[]> {
  let cached: { hosts: string[]; fetchedAt: number } | undefined;
  let inFlight: Promise<readonly string[]> | undefined;

  return () => {
    // Age counts from the start of the request, so no answer is served older than ttlMs.
    const age = cached ? now() - cached.fetchedAt : Infinity;
    // A clock that stepped backwards must not make the entry look fresh indefinitely.
    if (cached && age >= 0 && age < ttlMs) return Promise.resolve(cached.hosts);
    if (inFlight) return inFlight;
    const startedAt = now();
    inFlight = fetchProviderHosts(url, options)
      .then(({ hosts, error }) => {
        if (error === undefined) cached = { hosts, fetchedAt: startedAt };
        else options.onError?.(error);
        return hosts;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
}
