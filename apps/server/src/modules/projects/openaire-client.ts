/** Why a lookup failed, for the operator's log: what OpenAIRE answered, or how the connection failed. */
export type OpenAireFailure =
  | { kind: 'status'; status: number }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'connection'; error: string }
  | { kind: 'answer'; error: string };

/** OpenAIRE could not be asked, or its answer is not the shape §4.5 reads. */
export class OpenAireError extends Error {
  constructor(
    message: string,
    readonly failure: OpenAireFailure = { kind: 'answer', error: message },
  ) {
    super(message);
  }
}

/** fetch reports a refused or reset connection as "fetch failed"; the reason is in `cause`. */
const connectionError = (err: unknown): string => {
  const cause = (err as { cause?: unknown }).cause;
  const text = cause instanceof Error ? cause.message : (err as Error).message;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text;
};

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

  /** Where lookups go, for logs: scheme, host and port only, so credentials in the URL never reach them. */
  get origin(): string {
    return new URL(this.baseUrl).origin;
  }

  async searchProject(grantId: string): Promise<unknown> {
    const url = `${this.baseUrl.replace(/\/+$/, '')}/search/projects?grantID=${encodeURIComponent(grantId)}&format=json`;
    let res: Response;
    try {
      res = await fetch(url, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      if ((err as Error).name === 'TimeoutError')
        throw new OpenAireError(`OpenAIRE did not answer within ${this.timeoutMs} ms`, { kind: 'timeout', timeoutMs: this.timeoutMs });
      const error = connectionError(err);
      throw new OpenAireError(`OpenAIRE is unreachable: ${error}`, { kind: 'connection', error });
    }
    if (!res.ok) {
      // Drain the body so the connection can be reused.
      await res.body?.cancel().catch(() => {});
      throw new OpenAireError(`OpenAIRE answered ${res.status}`, { kind: 'status', status: res.status });
    }
    try {
      return (await res.json()) as unknown;
    } catch {
      throw new OpenAireError('OpenAIRE answered with a body that is not JSON');
    }
  }
}

/**
 * The operator's record of a failed lookup: which project, which OpenAIRE, and why (status, timeout or
 * connection error). Only these fields: nothing of the caller's request (its token) is logged.
 */
export function logLookupFailure(
  logger: { warn(obj: object, msg: string): void },
  client: OpenAireClient,
  projectId: string,
  err: OpenAireError,
): void {
  logger.warn({ projectId, openaire: client.origin, ...err.failure }, `OpenAIRE lookup for project ${projectId} failed: ${err.message}`);
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
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
      ? String(v)
      : v === undefined || v === null
        ? ''
        : JSON.stringify(v);
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
