import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { Config } from '../config.js';

export type { Logger } from 'pino';

/**
 * Paths pino blanks before a line is written. Request logging never copies headers, but an error or a
 * log call elsewhere may carry a request, a config or a caller: the secret must not leave the process.
 */
export const REDACT_PATHS = [
  'authorization',
  'Authorization',
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'err.req.headers.authorization',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'adminToken',
  '*.adminToken',
  'password',
  '*.password',
  'key',
  '*.key',
  'privateKey',
  '*.privateKey',
  'private_key',
  '*.private_key',
  'tls.key',
  '*.tls.key',
  'metrics.token',
  '*.metrics.token',
];

export interface LoggerSettings {
  level: Config['log']['level'];
  format: Config['log']['format'];
  /** Where JSON lines go (tests capture them); stdout otherwise. */
  destination?: DestinationStream;
}

const baseOptions = (level: string): LoggerOptions => ({
  level,
  base: { service: 'acc' },
  redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
});

/**
 * JSON lines for production. Pretty output runs in-process (not pino's worker transport) because the dev
 * server is started through tsx, whose loader a worker thread would not inherit; pino-pretty is a dev
 * dependency, so an image without it falls back to JSON instead of failing to start.
 */
export async function createLogger(settings: LoggerSettings): Promise<Logger> {
  const options = baseOptions(settings.level);
  if (settings.destination) return pino(options, settings.destination);
  if (settings.format === 'pretty') {
    try {
      const { default: pretty } = await import('pino-pretty');
      return pino(options, pretty({ colorize: process.stdout.isTTY, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' }));
    } catch {
      const logger = pino(options);
      logger.warn('pino-pretty is not installed; logging JSON');
      return logger;
    }
  }
  return pino(options);
}

/**
 * Writes plain text into the log's own stream, queued behind the lines already logged. Production JSON
 * lines are written asynchronously and pino's flush() answers before a write in flight has landed, so text
 * printed beside them (console.log) can overtake a line logged earlier.
 */
export const writeAfterLog = (logger: Logger, text: string): void => {
  (logger as unknown as Record<symbol, DestinationStream>)[pino.symbols.streamSym].write(text);
};

/** A logger that writes nothing, for embedding (tests) where only errors matter. */
export const silentLogger = (): Logger => pino({ level: 'silent' });

interface RequestScope {
  requestId: string;
  logger: Logger;
}

const scope = new AsyncLocalStorage<RequestScope>();

/** Runs a request's handling with its id in scope, so errors logged deep inside carry it. */
export const withRequestScope = <T>(value: RequestScope, fn: () => T): T => scope.run(value, fn);

/** The current request's child logger (with `reqId`), or `fallback` outside a request. */
export const requestLogger = (fallback: Logger): Logger => scope.getStore()?.logger ?? fallback;

/** The current request's id, if any. */
export const currentRequestId = (): string | undefined => scope.getStore()?.requestId;
