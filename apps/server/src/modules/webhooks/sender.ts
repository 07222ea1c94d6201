import http from 'node:http';
import https from 'node:https';
import { Webhook } from 'standardwebhooks';
import { guardedLookup, webhookUrlProblem, type WebhookPolicy } from '../alerts/webhook-target.js';
import type { WebhookTarget } from './owner.js';

/** What one attempt came to: an HTTP status, or why there was none. */
export type AttemptOutcome = { statusCode: number } | { statusCode: null; error: string } | { aborted: true };

export interface SendOptions {
  policy: WebhookPolicy;
  timeoutMs: number;
  /** The instance is stopping: the attempt is dropped, not counted. */
  signal: AbortSignal;
  userAgent: string;
}

/** The Standard Webhooks headers, signed by the `standardwebhooks` package (not by hand). */
export function signedHeaders(eventId: string, secret: string, body: string, at: Date): Record<string, string> {
  return {
    'webhook-id': eventId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(eventId, at, body),
  };
}

/** At most this much of an error goes to the deliveries log. */
const MAX_ERROR = 500;

/**
 * POSTs one event. The target is checked again first (alerts.md §1: DNS may have changed since the rule
 * was written), and the connection itself resolves through `guardedLookup`, so the address actually
 * connected to is one the policy allows. Redirects are not followed; the answer's body is not read.
 */
export async function sendWebhook(target: WebhookTarget, eventId: string, body: string, options: SendOptions): Promise<AttemptOutcome> {
  const problem = await webhookUrlProblem(target.url, options.policy).catch((err: unknown) => `invalid webhook_url: ${String(err)}`);
  if (problem) return { statusCode: null, error: problem };
  const url = new URL(target.url);
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise<AttemptOutcome>((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        signal,
        lookup: guardedLookup(options.policy),
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': options.userAgent,
          ...signedHeaders(eventId, target.secret, body, new Date()),
        },
      },
      (res) => {
        // The status is the answer; the body is drained (and cut by the timeout) so the socket is freed.
        res.resume();
        res.on('error', () => {});
        resolve({ statusCode: res.statusCode ?? 0 });
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (options.signal.aborted) return resolve({ aborted: true });
      if (timeout.aborted) return resolve({ statusCode: null, error: `no answer within ${options.timeoutMs} ms` });
      resolve({ statusCode: null, error: (err.message || err.code || 'request failed').slice(0, MAX_ERROR) });
    });
    req.end(body);
  });
}
