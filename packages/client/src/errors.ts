/**
 * The error hierarchy of §3.1. Every failure a caller can see is one of these, whichever transport
 * (REST or tRPC) carried the call, so `catch` blocks never need to know about the transport.
 */
export class AccError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface ServiceErrorInit {
  route: string;
  status: number;
  /** The body's `code`, else the HTTP status. */
  code?: number;
  errorMessage: string;
  body: string;
  cause?: unknown;
}

/** The server answered with a non-2xx status (or a 2xx that is not JSON). */
export class AccServiceError extends AccError {
  readonly route: string;
  readonly status: number;
  readonly code: number;
  readonly errorMessage: string;
  readonly body: string;

  constructor(init: ServiceErrorInit) {
    super(`While trying the [${init.route}]: ${init.errorMessage}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.route = init.route;
    this.status = init.status;
    this.code = init.code ?? init.status;
    this.errorMessage = init.errorMessage;
    this.body = init.body;
  }
}

/** HTTP 408, or the client-side timeout expired (then `status` is 0). */
export class AccTimeoutError extends AccServiceError {}

/** DNS, refused or reset connections, TLS failures; the underlying error is `cause`. */
export class AccConnectionError extends AccError {
  readonly route: string;
  constructor(route: string, description: string, cause: unknown) {
    super(`While trying the [${route}]: ${description}`, { cause });
    this.route = route;
  }
}

const BODY_TEXT_LIMIT = 500;

/** Builds the error for a non-2xx answer from its status and raw body text (§3.1). */
export function errorFromResponse(route: string, status: number, text: string): AccServiceError {
  let code: number | undefined;
  let message: string | undefined;
  const trimmed = text.trim();
  if (trimmed === '') {
    message = status === 401 || status === 403 ? 'Auth failure' : `HTTP ${status}`;
  } else {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        const o = parsed as Record<string, unknown>;
        if (typeof o.message === 'string') message = o.message;
        if (typeof o.code === 'number') code = o.code;
      } else if (typeof parsed === 'string') {
        // APEL and a few informative answers are a bare JSON string.
        message = parsed;
      }
    } catch {
      /* not JSON: the text itself is the message */
    }
    message ??= trimmed.slice(0, BODY_TEXT_LIMIT);
  }
  const init = { route, status, code, errorMessage: message, body: text };
  return status === 408 ? new AccTimeoutError(init) : new AccServiceError(init);
}

/** Internal: raised by the transport, turned into a routed AccError by whoever knows the route name. */
export class TransportFailure extends Error {
  constructor(
    readonly kind: 'timeout' | 'connection',
    message: string,
    readonly timeoutMs?: number,
    cause?: unknown,
  ) {
    super(message, { cause });
    this.name = 'TransportFailure';
  }
}

/** Internal: a tRPC answer that is not JSON, so tRPC itself could not tell us the status. */
export class RawHttpAnswer extends Error {
  constructor(
    readonly status: number,
    readonly text: string,
  ) {
    super(`HTTP ${status}`);
    this.name = 'RawHttpAnswer';
  }
}

export function fromTransportFailure(route: string, failure: TransportFailure): AccError {
  if (failure.kind === 'timeout') {
    return new AccTimeoutError({ route, status: 0, errorMessage: `timed out after ${failure.timeoutMs} ms`, body: '', cause: failure.cause });
  }
  return new AccConnectionError(route, failure.message, failure.cause);
}

/** The most specific description of a network error: Node's fetch hides the reason in `cause`. */
export function describeNetworkError(err: unknown): string {
  let current: unknown = err;
  let description = err instanceof Error ? err.message : String(err);
  for (let depth = 0; depth < 5 && current instanceof Error && current.cause !== undefined; depth++) {
    current = current.cause;
    if (current instanceof Error && current.message) description = current.message;
    else if (current && typeof current === 'object' && 'code' in current) description = String(current.code);
  }
  return description;
}
