import { z } from 'zod';
import type { EoscProviderRecord } from './provider-repository.js';

// `.optional()` first: a bare unknown piped into a transform makes the key required.
const optionalText = z
  .unknown()
  .optional()
  .transform((v) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null));

const TotalResponse = z.looseObject({ total: z.number().int().nonnegative() });
const ProviderItem = z.looseObject({
  id: z.string().min(1),
  name: z.string().min(1),
  website: optionalText,
  abbreviation: optionalText,
  logo: optionalText,
});
const AllResponse = z.looseObject({ results: z.array(z.unknown()) });

export class EoscRegistryError extends Error {}

/**
 * The EOSC provider registry (§4.4): one call for `total`, then one for that many providers. Items the
 * registry sends without an id or a name are skipped rather than failing the whole sync.
 */
export class EoscProviderClient {
  constructor(
    private readonly baseUrl: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async fetchAll(signal?: AbortSignal): Promise<{ providers: EoscProviderRecord[]; skipped: number }> {
    const { total } = await this.get(TotalResponse, {}, signal);
    const { results } = await this.get(AllResponse, { quantity: String(total) }, signal);
    const providers: EoscProviderRecord[] = [];
    let skipped = 0;
    for (const item of results) {
      const parsed = ProviderItem.safeParse(item);
      if (!parsed.success) {
        skipped++;
        continue;
      }
      const { id, name, website, abbreviation, logo } = parsed.data;
      providers.push({ id, name, website, abbreviation, logo });
    }
    return { providers, skipped };
  }

  private async get<T extends z.ZodType>(schema: T, params: Record<string, string>, signal?: AbortSignal): Promise<z.infer<T>> {
    const url = new URL(`${this.baseUrl.replace(/\/+$/, '')}/provider/all`);
    url.searchParams.set('catalogue_id', 'all');
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const res = await this.fetchImpl(url, { headers: { Accept: 'application/json' }, signal });
    if (!res.ok) throw new EoscRegistryError(`EOSC registry answered ${res.status} for ${url.pathname}${url.search}`);
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw new EoscRegistryError(`EOSC registry sent a non-JSON body for ${url.pathname}${url.search}`);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new EoscRegistryError(`EOSC registry sent an unexpected body for ${url.pathname}${url.search}`);
    return parsed.data;
  }
}
