import { readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import type { Command } from 'commander';
import pRetry from 'p-retry';
import { normaliseEndpoint } from '@acc/client';
import { resolveEndpoint } from '../config.js';
import { CliError, err, out, progressWanted, UsageError } from '../io.js';
import { progressBar } from '../progress.js';

const RETRIES = 2;
const FIRST_WAIT_MS = 1000;
const PAUSE_MS = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface TlsFiles {
  cert?: Buffer;
  key?: Buffer;
  ca?: Buffer;
}

interface Answer {
  status: number;
  body: string;
}

function post(url: URL, body: Buffer, tls: TlsFiles, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const options: https.RequestOptions = {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', 'Content-Length': body.length, Accept: 'application/json' },
      timeout: timeoutMs,
      ...(url.protocol === 'https:' && { cert: tls.cert, key: tls.key, ca: tls.ca }),
    };
    const req = (url.protocol === 'https:' ? https : http).request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** "400 Record 1: Unknown field: Foo" from the server's JSON-string body; just the status when empty. */
function describe(answer: Answer): string {
  const text = answer.body.trim();
  if (!text) return String(answer.status);
  let message = text;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'string') message = parsed;
    else if (parsed && typeof parsed === 'object' && typeof (parsed as { message?: unknown }).message === 'string')
      message = (parsed as { message: string }).message;
  } catch {
    /* plain text */
  }
  return `${answer.status} ${message.slice(0, 500)}`;
}

/** A 5xx worth another attempt; p-retry only retries what is thrown. */
class ServerTrouble extends Error {}

/** Up to 3 attempts, 1 s then 2 s apart (§4.3): connection errors and 5xx are retried, anything else is final. */
async function sendMessage(url: URL, body: Buffer, tls: TlsFiles, timeoutMs: number): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const answer = await pRetry(
      async () => {
        const answer = await post(url, body, tls, timeoutMs);
        if (answer.status >= 500) throw new ServerTrouble(describe(answer));
        return answer;
      },
      { retries: RETRIES, minTimeout: FIRST_WAIT_MS, factor: 2 },
    );
    return answer.status === 202 ? { ok: true } : { ok: false, reason: describe(answer) };
  } catch (e) {
    return { ok: false, reason: (e as Error).message || String(e) };
  }
}

const readPem = (path: string | undefined, what: string): Buffer | undefined => {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path);
  } catch (e) {
    throw new CliError(`Error while reading ${what}: ${(e as Error).message}`);
  }
};

interface ApelOptions {
  host?: string;
  url?: string;
  certificate?: string;
  key?: string;
  ca?: string;
  version: string;
  queue?: string;
  remove?: boolean;
  timeout?: number;
}

export function registerApel(program: Command): void {
  const apel = program.command('apel').description('APEL cloud accounting');
  apel
    .command('send')
    .description('send APEL cloud messages to POST https://<host>/api/<version>/cloud/record, authenticated by a client certificate (sender.py)')
    .argument('[files...]', 'message files, sent in the order given')
    .option('-d, --host <host>', 'FQDN of the APEL server')
    .option('-c, --certificate <pem>', 'client certificate (PEM)')
    .option('-k, --key <pem>', 'private key of the client certificate (PEM)')
    .option('--ca <pem>', 'CA bundle to verify the server with (default: the system CAs)')
    .option('-v, --version <v>', 'API version', 'v1')
    .option('-q, --queue <dir>', 'also send every regular file in this directory, sorted by name')
    .option('--remove', 'delete each file once the server accepted it')
    .action(async (files: string[], _o, cmd: Command) => {
      const o = cmd.optsWithGlobals<ApelOptions>();
      if ((o.certificate === undefined) !== (o.key === undefined)) throw new UsageError('-c/--certificate and -k/--key go together');
      const all = [...files];
      if (o.queue !== undefined) {
        let names: string[];
        try {
          names = readdirSync(o.queue).sort();
        } catch (e) {
          throw new CliError(`Error while reading queue directory: ${(e as Error).message}`);
        }
        all.push(...names.map((n) => join(o.queue!, n)).filter((p) => statSync(p).isFile()));
      } else if (all.length === 0) {
        throw new UsageError('nothing to send: give FILE... and/or -q <dir>');
      }
      const base = normaliseEndpoint(resolveEndpoint(o));
      const url = new URL(`${base}/api/${encodeURIComponent(o.version)}/cloud/record`);
      const tls: TlsFiles = { cert: readPem(o.certificate, 'certificate'), key: readPem(o.key, 'key'), ca: readPem(o.ca, 'CA bundle') };
      const timeoutMs = Math.round((o.timeout ?? 30) * 1000);
      const bar = progressBar('[{bar}] {value}/{total} sent', all.length);
      // Without a bar (off a TTY), one line per accepted message keeps logs readable.
      const lines = !progressWanted();
      let sent = 0;
      try {
        for (const [i, file] of all.entries()) {
          if (i > 0) await sleep(PAUSE_MS);
          let body: Buffer;
          try {
            body = readFileSync(file);
          } catch (e) {
            throw new CliError(`Failed to send ${file}: ${(e as Error).message}`);
          }
          const result = await sendMessage(url, body, tls, timeoutMs);
          if (!result.ok) throw new CliError(`Failed to send ${file}: ${result.reason}`);
          sent++;
          bar.update(sent);
          if (lines) out(`${file}: 202`);
          if (o.remove) {
            try {
              unlinkSync(file);
            } catch (e) {
              err(`Could not remove ${file}: ${(e as Error).message}`);
            }
          }
        }
      } finally {
        bar.stop();
      }
      out(`${sent} message(s) sent.`);
    });
}
