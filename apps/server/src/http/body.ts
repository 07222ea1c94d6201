import type { IncomingMessage } from 'node:http';
import { AppError } from '../errors.js';
import type { BodyState } from '../trpc/context.js';

export interface ReadBody {
  state: BodyState;
  error?: string;
  value?: unknown;
}

const isJson = (contentType: string | undefined) => /^application\/json\s*(;|$)/i.test(contentType ?? '');

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
  const raw = await readRaw(req, maxBytes);
  if (!isJson(req.headers['content-type'])) return { state: 'unsupported' };
  const text = raw.toString('utf8');
  if (text.trim() === '') return { state: 'empty' };
  try {
    const value = JSON.parse(text) as unknown;
    return value === null ? { state: 'empty' } : { state: 'ok', value };
  } catch (err) {
    return { state: 'malformed', error: `The request body is not valid JSON: ${(err as Error).message}` };
  }
}
