/** OpenAIRE could not be asked, or its answer is not the shape §4.5 reads. */
export class OpenAireError extends Error {}

/** The fields §4.5 takes from an OpenAIRE project; a missing element is `""`. */
export interface OpenAireProject {
  id: string;
  acronym: string;
  title: string;
  startDate: string;
  endDate: string;
  callIdentifier: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const child = (v: unknown, key: string): unknown => (isObject(v) && Object.hasOwn(v, key) ? v[key] : undefined);

/** `GET {OpenAIRE}/search/projects?grantID=<id>&format=json`, the one call the server makes to OpenAIRE. */
export class OpenAireClient {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  async searchProject(grantId: string): Promise<unknown> {
    const url = `${this.baseUrl.replace(/\/+$/, '')}/search/projects?grantID=${encodeURIComponent(grantId)}&format=json`;
    let res: Response;
    try {
      res = await fetch(url, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new OpenAireError(`OpenAIRE is unreachable: ${(err as Error).message}`);
    }
    if (!res.ok) throw new OpenAireError(`OpenAIRE answered ${res.status}`);
    try {
      return (await res.json()) as unknown;
    } catch {
      throw new OpenAireError('OpenAIRE answered with a body that is not JSON');
    }
  }
}

/** OpenAIRE knows the grant iff its answer has `response.results` (null counts as absent). */
export const hasResults = (body: unknown): boolean => {
  const results = child(child(body, 'response'), 'results');
  return results !== undefined && results !== null;
};

/**
 * `response.results.result[response.header.total.$ - 1].metadata["oaf:entity"]["oaf:project"]`, as §4.5
 * reads it. A single result may arrive as an object rather than a one-element array (XML-to-JSON).
 */
export function extractProject(body: unknown, requestedId: string): OpenAireProject {
  const response = child(body, 'response');
  const total = Number(child(child(child(response, 'header'), 'total'), '$'));
  const raw = child(child(response, 'results'), 'result');
  const results = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const project = child(child(child(results[total - 1], 'metadata'), 'oaf:entity'), 'oaf:project');
  if (!Number.isInteger(total) || !isObject(project)) throw new OpenAireError('OpenAIRE answered without the project');
  const text = (key: string) => {
    const v = child(child(project, key), '$');
    return v === undefined || v === null ? '' : String(v);
  };
  return {
    // The row is keyed by the grant code; the requested id stands in only if OpenAIRE omits it.
    id: text('code') || requestedId,
    acronym: text('acronym'),
    title: text('title'),
    startDate: text('startdate'),
    endDate: text('enddate'),
    callIdentifier: text('callidentifier'),
  };
}
