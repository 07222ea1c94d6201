import { describe, expect, it } from 'vitest';
import type { AppError } from '../../errors.js';
import { decodeServiceCatalogueMessage } from './ams-message.js';

const push = (data: unknown) => ({ message: { data, messageId: '1' }, subscription: 's' });
const encode = (value: unknown, encoding: BufferEncoding = 'base64') => Buffer.from(JSON.stringify(value), 'utf8').toString(encoding);

const failure = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return { status: (err as AppError).status, message: (err as AppError).message };
  }
  throw new Error('expected a failure');
};

describe('decodeServiceCatalogueMessage', () => {
  it('decodes base64 and base64url JSON and ignores unknown properties', () => {
    const value = { status: 'approved provider', provider: { id: 'x', name: 'Ünïcode' }, extra: [1, 2] };
    expect(decodeServiceCatalogueMessage(push(encode(value)))).toEqual(value);
    expect(decodeServiceCatalogueMessage(push(encode(value, 'base64url')))).toEqual(value);
  });

  it('treats JSON that is not an object as a message without status', () => {
    expect(decodeServiceCatalogueMessage(push(encode([1])))).toEqual({});
    expect(decodeServiceCatalogueMessage(push(encode('approved provider')))).toEqual({});
  });

  it('answers 400 when there is no data at all', () => {
    for (const body of [{}, { message: null }, push(undefined), push(''), push(42)]) {
      expect(failure(() => decodeServiceCatalogueMessage(body))).toEqual({ status: 400, message: 'message.data may not be empty.' });
    }
  });

  it('answers 400 with the parse error for data that is not base64, not UTF-8 or not JSON', () => {
    for (const data of ['not base64 at all!', Buffer.from([0xff, 0xfe]).toString('base64'), Buffer.from('{oops').toString('base64')]) {
      const f = failure(() => decodeServiceCatalogueMessage(push(data)));
      expect(f.status).toBe(400);
      expect(f.message).toMatch(/^Cannot parse the AMS message data: .+/);
    }
  });
});
