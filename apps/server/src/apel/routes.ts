import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { DataSource } from 'typeorm';
import { publisherVerdict, summaryReaderVerdict } from '../access/index.js';
import type { Config } from '../config.js';
import { isDatabaseUnavailable } from '../db-errors.js';
import { AppError, DATABASE_UNAVAILABLE_MESSAGE, errorHeaders } from '../errors.js';
import { readRaw } from '../http/body.js';
import type { BodyBudget } from '../http/body-budget.js';
import type { RawRoute as Route } from '../http/fastify-app.js';
import { ApelArgoBridge } from './argo-bridge.js';
import { dnFromCertSubject, normaliseDn } from './dn.js';
import { parseApelMessage } from './parser.js';
import { ApelRecordService, SAVE_FAILED_MESSAGE, SAVED_MESSAGE } from './record-service.js';
import { ApelSummaryService, SUMMARY_PATH } from './summary-service.js';
import { ApelTokenChecker } from './token-checker.js';

export const RECORD_PATH = '/api/v1/cloud/record';
export { SUMMARY_PATH };

export interface TrustedDnHeader {
  /** Lower-case header name, e.g. `x-ssl-client-dn`. */
  header: string;
  /** Peer addresses allowed to set it. */
  proxies: readonly string[];
}

export interface ApelRouteDeps {
  records: ApelRecordService;
  summaries: ApelSummaryService;
  tokens: ApelTokenChecker;
  /** `ALLOWED_FOR_GET`: token subjects. */
  allowedForGet: readonly string[];
  maxBodyBytes: number;
  /** How long a record upload may take to arrive (ACC_APEL_REQUEST_TIMEOUT_MS); longer is a 408. */
  bodyTimeoutMs?: number;
  /** The process's budget for bodies held at once (shared with the JSON procedures); none: unbounded. */
  bodyBudget?: BodyBudget;
  trustedDn?: TrustedDnHeader;
  log: (message: string) => void;
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is 10.0.0.1. */
const plainAddress = (address: string | undefined) => (address ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');

/**
 * The caller's DN in slash form (§1.1.1), or undefined. The trusted header is read only when the TCP
 * peer is a configured proxy, so a client reaching the server directly cannot claim any DN. A client
 * certificate counts only when the TLS layer verified it against ACC_TLS_CLIENT_CA (the server
 * requests certificates without rejecting, so an unverified one is simply no identity: 401).
 */
export function callerDn(req: IncomingMessage, trusted?: TrustedDnHeader): string | undefined {
  if (trusted && trusted.proxies.includes(plainAddress(req.socket.remoteAddress))) {
    const value = req.headers[trusted.header];
    const text = Array.isArray(value) ? value[0] : value;
    if (text !== undefined && text.trim() !== '') return normaliseDn(text) || undefined;
  }
  const socket = req.socket as Partial<TLSSocket>;
  if (socket.authorized === true && typeof socket.getPeerX509Certificate === 'function') {
    // The X509Certificate subject string keeps the certificate's RDN order exactly.
    return dnFromCertSubject(socket.getPeerX509Certificate()?.subject) || undefined;
  }
  return undefined;
}

/**
 * Answers before (or without) reading the request body: the rest of the upload is discarded and the
 * connection closed, so an unauthorised or oversized upload cannot keep it busy.
 */
function discardBody(req: IncomingMessage, res: ServerResponse): void {
  if (!req.complete) {
    res.setHeader('Connection', 'close');
    req.resume();
  }
}

function sendEmpty(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  discardBody(req, res);
  res.writeHead(status, { 'Content-Length': '0', ...headers });
  res.end();
}

/** Messages are bare JSON strings (§1.7), not the `{code, message}` envelope of the rest of the API. */
function sendMessage(req: IncomingMessage, res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  discardBody(req, res);
  const text = JSON.stringify(message);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** A database outage is the sender's cue to retry later (503), not a failure of its message (500). */
const unavailable = (req: IncomingMessage, res: ServerResponse) => sendMessage(req, res, 503, DATABASE_UNAVAILABLE_MESSAGE, errorHeaders(503));

const methodNotAllowed = (req: IncomingMessage, res: ServerResponse, allow: string) =>
  sendMessage(req, res, 405, `Method "${req.method}" not allowed.`, { Allow: allow });

const headerValue = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export function apelRoutes(deps: ApelRouteDeps): Record<string, Route> {
  const postRecord: Route = async (req, res) => {
    if (req.method !== 'POST') return methodNotAllowed(req, res, 'POST');
    try {
      const verdict = await publisherVerdict(callerDn(req, deps.trustedDn), (d) => deps.records.authorise(d));
      if (!verdict.allowed) {
        if (verdict.refusal) deps.log(`APEL: ${verdict.refusal}`);
        return sendEmpty(req, res, verdict.status);
      }
      const dn = verdict.dn;
      const empaId = headerValue(req, 'empa-id') || 'noid';

      let text: string;
      try {
        text = (await readRaw(req, { maxBytes: deps.maxBodyBytes, timeoutMs: deps.bodyTimeoutMs, claim: deps.bodyBudget?.claim(res) })).toString(
          'utf8',
        );
      } catch (err) {
        if (err instanceof AppError && (err.status === 413 || err.status === 408 || err.status === 503))
          return sendMessage(req, res, err.status, err.message, errorHeaders(err.status));
        throw err;
      }

      let records;
      try {
        // Synchronous and complete before anything is stored (§1.2): a bad record rejects the message.
        records = parseApelMessage(text);
      } catch (err) {
        if (err instanceof AppError && err.status === 400) {
          deps.log(`APEL: message from ${dn} (empa-id ${empaId}) rejected: ${err.message}`);
          return sendMessage(req, res, 400, err.message);
        }
        throw err;
      }
      await deps.records.save(records, dn, empaId);
      return sendMessage(req, res, 202, SAVED_MESSAGE);
    } catch (err) {
      if (!(err instanceof AppError)) deps.log(`APEL: POST failed: ${(err as Error)?.stack ?? String(err)}`);
      if (res.headersSent) return void res.destroy();
      if (isDatabaseUnavailable(err)) return unavailable(req, res);
      // Whatever went wrong, nothing was committed: the spec's storage-failure answer is the truthful one.
      return sendMessage(req, res, 500, SAVE_FAILED_MESSAGE);
    }
  };

  const getSummary: Route = async (req, res, url) => {
    if (req.method !== 'GET') return methodNotAllowed(req, res, 'GET');
    try {
      const sub = await deps.tokens.check(headerValue(req, 'authorization'));
      const verdict = summaryReaderVerdict(sub, deps.allowedForGet);
      if (!verdict.allowed) return sendEmpty(req, res, verdict.status);
      let body;
      try {
        body = await deps.summaries.summaries(url.searchParams);
      } catch (err) {
        if (err instanceof AppError && err.status === 400) return sendMessage(req, res, 400, err.message);
        throw err;
      }
      const text = JSON.stringify(body);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
      return void res.end(text);
    } catch (err) {
      deps.log(`APEL: summary request failed: ${(err as Error)?.stack ?? String(err)}`);
      if (res.headersSent) return void res.destroy();
      if (isDatabaseUnavailable(err)) return unavailable(req, res);
      return sendEmpty(req, res, 500);
    }
  };

  return { [RECORD_PATH]: postRecord, [SUMMARY_PATH]: getSummary };
}

/** The APEL routes for `startApp`'s `extra` table, wired from configuration. */
export function createApelRoutes(
  config: Config,
  db: DataSource,
  bodyBudget: BodyBudget,
  log: (message: string) => void = console.error,
): Record<string, Route> {
  const apel = config.apel;
  const bridge = new ApelArgoBridge(db, apel.siteMap, log);
  return apelRoutes({
    records: new ApelRecordService({
      db,
      allowedDns: apel.allowedDns,
      bannedDns: apel.bannedDns,
      providersUrl: apel.providersUrl,
      bridge: bridge.enabled ? bridge : undefined,
      log,
    }),
    summaries: new ApelSummaryService(db, config.publicUrl),
    tokens: new ApelTokenChecker({
      issuers: apel.iamIssuers,
      allowHttpIssuers: apel.allowHttpIssuers,
      introspection: apel.introspection,
    }),
    allowedForGet: apel.allowedForGet,
    maxBodyBytes: apel.maxBodyBytes,
    bodyTimeoutMs: config.limits.apelRequestTimeoutMs,
    bodyBudget,
    trustedDn: config.trustedDn,
    log,
  });
}
