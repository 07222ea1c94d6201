import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { hasJsonBody } from '@acc/contracts';
import { assertPreRule } from '../access/rules.js';
import { AppError } from '../errors.js';
import type { AppServices } from '../services.js';
import type { Admission, BodyState, HttpExchange } from '../trpc/context.js';
import type { BodyBudget } from './body-budget.js';
import { classifyJsonBody, consumesAsJson, declaredLength, declaresType, readBody, TOO_LARGE_MESSAGE, type ReadBody } from './body.js';
import { jsonDepthExceeds, tooDeepMessage } from './json.js';
import type { ProcedureEntry } from './procedure-table.js';

/** More calls than this in one tRPC batch are refused (400) before anything is authenticated or read. */
export const MAX_TRPC_BATCH = 10;

type Target = Pick<ProcedureEntry, 'contract' | 'rule'>;

/** What the listener hands the transport: the body as it read it, or none when the procedure will refuse first. */
export interface RestAdmitted {
  admission: Admission;
  /** Absent for methods without a body. */
  body?: ReadBody;
}
export interface TrpcAdmitted {
  admission: Admission;
  state: BodyState;
  /** The body to hand the adapter (empty when unread); absent for GET. */
  text?: string;
  error?: string;
}

/** Whether headers announce a body at all (RFC 9112 §6.3): chunked, or a non-zero length. */
const announcesBody = (headers: IncomingHttpHeaders) => headers['transfer-encoding'] !== undefined || (declaredLength(headers) ?? 0) > 0;

/**
 * The body state a refused request is handed instead of its unread body, chosen from the headers alone
 * so the procedure still reports 415 before 403 (§1.3): a non-JSON declared type, or no type and no
 * body, cannot be consumed; anything else stands for "some body" that no check will look at.
 */
const stateFromHeaders = (headers: IncomingHttpHeaders): BodyState =>
  consumesAsJson(headers['content-type'], announcesBody(headers)) ? 'empty' : 'unsupported';

/** An unread body must not keep the connection: node would drain it before serving the next request. */
export function leaveBodyUnread(req: IncomingMessage, res: ServerResponse): void {
  if (!req.complete && announcesBody(req.headers) && !res.headersSent) res.setHeader('Connection', 'close');
}

/**
 * Everything the listener decides about a REST or tRPC request before its body is worth reading, in one
 * place for every transport (and for the hooks of another HTTP framework): the procedures it reaches,
 * their body limit (the contract's `maxBodyBytes`, else ACC_MAX_BODY_BYTES), a declared length over it
 * (413), the tRPC batch size, then the credentials: the bearer token for every procedure that needs one,
 * the AMS secret for the listener. A request whose credentials fail is handed to its procedure with the
 * body unread, so the procedure answers 401/403 (or 415) in its usual order and format, and nothing an
 * anonymous caller sends is buffered or parsed. Only then is the body read, within its limit and the
 * request timeout and the bytes all bodies may hold at once (body-budget.ts, 503 past it), and checked
 * for nesting depth before anything parses it.
 */
export function createAdmission(procedures: readonly ProcedureEntry[], app: AppServices, budget: BodyBudget) {
  const byName = new Map(procedures.map((p) => [p.name, p]));
  const { maxBodyBytes } = app.config;
  const timeoutMs = app.config.limits.requestTimeoutMs;

  const limitOf = (targets: (Target | undefined)[]) => Math.max(maxBodyBytes, ...targets.map((t) => t?.contract.maxBodyBytes ?? 0));

  /** Credentials checked without the body; false when a procedure will refuse the request. */
  const credentialsPass = async (req: IncomingMessage, targets: Target[], admission: Admission): Promise<boolean> => {
    if (targets.some((t) => t.rule.kind !== 'public')) {
      admission.caller = app.authenticator.authenticate(req.headers.authorization);
      if (
        !(await admission.caller.then(
          () => true,
          () => false,
        ))
      )
        return false;
    }
    const headersOnly = { headers: req.headers } as HttpExchange;
    for (const t of targets) {
      if (t.rule.kind !== 'public' || !t.rule.guard) continue;
      try {
        assertPreRule(undefined, t.rule, headersOnly, app);
      } catch {
        return false;
      }
    }
    return true;
  };

  /** `target`: the procedure the router matched; refusals (413, 408) come back as `refusal` for the caller to answer. */
  const rest = async (req: IncomingMessage, res: ServerResponse, target: Target | undefined): Promise<RestAdmitted | { refusal: AppError }> => {
    const withBody = hasJsonBody(req.method ?? 'GET');
    const admission: Admission = {};
    const limit = limitOf([target]);
    if ((declaredLength(req.headers) ?? 0) > limit) return refuse(req, res, new AppError(413, TOO_LARGE_MESSAGE));
    if (target && !(await credentialsPass(req, [target], admission))) {
      leaveBodyUnread(req, res);
      return { admission, ...(withBody && { body: { state: stateFromHeaders(req.headers) } }) };
    }
    if (!withBody) return { admission };
    let text: string;
    try {
      text = (await readBody(req, { maxBytes: limit, timeoutMs, claim: budget.claim(res) }, declaredLength(req.headers))).toString('utf8');
    } catch (err) {
      if (err instanceof AppError) return refuse(req, res, err);
      throw err;
    }
    return { admission, body: classifyJsonBody(text, req.headers['content-type']) };
  };

  const trpc = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<TrpcAdmitted> => {
    const admission: Admission = {};
    let names: string[];
    try {
      names = decodeURIComponent(url.pathname.slice('/trpc/'.length)).split(',');
    } catch {
      names = [];
    }
    const isBatch = url.searchParams.get('batch') === '1';
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const declared = req.headers['content-type'];
    const headerState: BodyState = !hasBody ? 'ok' : !declaresType(declared) ? 'undeclared' : consumesAsJson(declared, true) ? 'ok' : 'unsupported';
    // The adapter refuses an over-long batch itself (maxBatchSize), in its format, without the body.
    if (isBatch && names.length > MAX_TRPC_BATCH) {
      leaveBodyUnread(req, res);
      return { admission, state: headerState, text: '' };
    }
    const targets = names.map((n) => byName.get(n));
    const known = targets.filter((t) => t !== undefined);
    if (hasBody && (declaredLength(req.headers) ?? 0) > limitOf(targets)) {
      admission.refusal = new AppError(413, TOO_LARGE_MESSAGE);
      leaveBodyUnread(req, res);
      return { admission, state: headerState, text: '' };
    }
    if (!(await credentialsPass(req, known, admission))) {
      leaveBodyUnread(req, res);
      return { admission, state: hasBody ? stateFromHeaders(req.headers) : 'ok', ...(hasBody && { text: '' }) };
    }
    if (!hasBody) {
      const input = url.searchParams.get('input');
      if (input !== null && jsonDepthExceeds(input)) return { admission, state: 'malformed', error: tooDeepMessage() };
      return { admission, state: 'ok' };
    }
    // A type the procedure will refuse (415) needs no body to say so.
    if (headerState === 'unsupported') {
      leaveBodyUnread(req, res);
      return { admission, state: headerState, text: '' };
    }
    let text: string;
    try {
      text = (await readBody(req, { maxBytes: limitOf(targets), timeoutMs, claim: budget.claim(res) }, declaredLength(req.headers))).toString('utf8');
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      admission.refusal = err;
      leaveBodyUnread(req, res);
      return { admission, state: headerState, text: '' };
    }
    const blank = text.trim() === '';
    if (!blank && jsonDepthExceeds(text)) return { admission, state: 'malformed', error: tooDeepMessage(), text: '' };
    const state: BodyState = headerState === 'undeclared' ? (blank ? 'unsupported' : 'ok') : headerState;
    return { admission, state, text };
  };

  return { rest, trpc };
}

function refuse(req: IncomingMessage, res: ServerResponse, err: AppError): { refusal: AppError } {
  leaveBodyUnread(req, res);
  return { refusal: err };
}

export type RequestAdmission = ReturnType<typeof createAdmission>;
