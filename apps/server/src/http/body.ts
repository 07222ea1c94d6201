import type { IncomingMessage } from 'node:http';
import { AppError } from '../errors.js';
import type { BodyState } from '../trpc/context.js';

export interface ReadBody {
  state: BodyState;
  error?: string;
  value?: unknown;
}

const isJson = (contentType: string | undefined) => /^application\/json\s*(;|$)/i.test(contentType ?? '');

/** A header that is absent or blank declares no type at all, which is not the same as declaring a wrong one. */
export const declaresType = (contentType: string | undefined): contentType is string => (contentType ?? '').trim() !== '';

/**
 * The one rule (§1.1) for whether a JSON endpoint may read a request's body, on every transport: a body
 * declared as JSON, or a non-empty body with no declared type at all, because the ARGO Accounting Library
 * 0.1.0 posts `requests.post(url, data=json.dumps(...))`, which sends no Content-Type. A wrong declared
 * type, or no type and nothing to read, cannot be consumed (415).
 */
export const consumesAsJson = (contentType: string | undefined, hasBody: boolean): boolean =>
  declaresType(contentType) ? isJson(contentType) : hasBody;

export async function readRaw(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw new AppError(413, 'The request body is too large.');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new AppError(413, 'The request body is too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Reads a JSON body up front and classifies it, so the procedure can report problems in the spec's order
 * (415 and access before 400) instead of the bridge failing first.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<ReadBody> {
  const text = (await readRaw(req, maxBytes)).toString('utf8');
  const blank = text.trim() === '';
  if (!consumesAsJson(req.headers['content-type'], !blank)) return { state: 'unsupported' };
  if (blank) return { state: 'empty' };
  try {
    const value = JSON.parse(text) as unknown;
    return value === null ? { state: 'empty' } : { state: 'ok', value };
  } catch (err) {
    return { state: 'malformed', error: `The request body is not valid JSON: ${(err as Error).message}` };
  }
}
