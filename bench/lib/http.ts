import http from 'node:http';
import https from 'node:https';

/** What an HTTPS client presents and trusts: the bench CA, optionally a client certificate. */
export interface TlsClient {
  ca: string;
  cert?: string;
  key?: string;
}

export interface HttpResponse {
  status: number;
  text: string;
  /** Wall time from sending to the last byte, ms. */
  ms: number;
}

const plainAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
const tlsAgents = new Map<TlsClient, https.Agent>();
const agentFor = (tls: TlsClient) => {
  let agent = tlsAgents.get(tls);
  if (!agent) {
    agent = new https.Agent({ keepAlive: true, maxSockets: 8, ca: tls.ca, cert: tls.cert, key: tls.key });
    tlsAgents.set(tls, agent);
  }
  return agent;
};

/** One request over a keep-alive connection; the timing covers upload, server work and the whole body. */
export function httpRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; tls?: TlsClient } = {},
): Promise<HttpResponse> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const lib = secure ? https : http;
  const headers = { ...opts.headers };
  if (opts.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(opts.body));
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = lib.request(
      target,
      { method: opts.method ?? 'GET', headers, agent: secure ? agentFor(opts.tls ?? { ca: '' }) : plainAgent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            ms: Number(process.hrtime.bigint() - started) / 1e6,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Throws with the answer's start when the status is not the expected one. */
export function expectStatus(res: HttpResponse, expected: number, what: string): void {
  if (res.status !== expected) throw new Error(`${what}: expected ${expected}, got ${res.status}: ${res.text.slice(0, 400)}`);
}

export function closeAgents(): void {
  plainAgent.destroy();
  for (const a of tlsAgents.values()) a.destroy();
}

/** A 404/405 from routing itself (the endpoint does not exist), not from the endpoint's own lookups. */
export const isUnrouted = (res: HttpResponse): boolean =>
  (res.status === 404 || res.status === 405) && /not found|no procedure|not allowed/i.test(res.text) && !/There is no/i.test(res.text);
