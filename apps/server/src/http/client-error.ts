import type { Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';

/**
 * What node:http's parser refuses before any route sees the request, with the status node itself would
 * give: the spec's envelope is owed to these clients too, not node's bare status line.
 */
export const CLIENT_ERRORS = {
  headersTooLarge: { status: 431, reason: 'Request Header Fields Too Large', message: 'The request headers are too large.' },
  timeout: { status: 408, reason: 'Request Timeout', message: 'The request took too long to arrive.' },
  malformed: { status: 400, reason: 'Bad Request', message: 'The request is not valid HTTP.' },
} as const;

const answerFor = (code: string | undefined) => {
  if (code === 'HPE_HEADER_OVERFLOW') return CLIENT_ERRORS.headersTooLarge;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return CLIENT_ERRORS.timeout;
  return CLIENT_ERRORS.malformed;
};

/** The raw HTTP/1.1 answer for a request the parser refused; the connection cannot be reused. */
export function clientErrorResponse(code: string | undefined): string {
  const { status, reason, message } = answerFor(code);
  const body = JSON.stringify({ code: status, message });
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/**
 * Replaces node's default `clientError` handling with the same decisions and an envelope body. As node
 * does, nothing is written once an in-flight response on this socket has sent its headers (that would
 * corrupt the answer the client is reading), and a reset connection is simply let go.
 */
export function onClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code !== 'ECONNRESET' && socket.writable && !inFlight?.headersSent) {
    socket.end(clientErrorResponse(err.code));
    return;
  }
  socket.destroy();
}

/** For servers without Fastify (the metrics listener); Fastify takes `onClientError` as its `clientErrorHandler`. */
export function answerClientErrors(server: Server | HttpsServer): void {
  (server as Server).on('clientError', onClientError);
}
