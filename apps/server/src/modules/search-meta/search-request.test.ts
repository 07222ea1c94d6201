import { searchPageParams } from '@acc/contracts';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { searchFields } from '../../search/index.js';
import type { BodyState, HttpExchange } from '../../trpc/context.js';
import { readSearchRequest } from './search-request.js';

const rest = (state: BodyState, value?: unknown, query: [string, string][] = []): HttpExchange => ({
  transport: 'rest',
  method: 'POST',
  path: '/providers/search',
  query,
  headers: {},
  body: { state, value },
  response: { headers: {} },
});
const trpc: HttpExchange = { ...rest('ok'), transport: 'trpc' };
const fields = searchFields.providers;
const criterion = { type: 'query', field: 'name', values: 'x' };

const failure = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).status).toBe(400);
    return (e as AppError).message;
  }
  throw new Error('expected a 400');
};

describe('readSearchRequest over REST', () => {
  it('takes the raw body and page/size from the query string, not from the bridge input', () => {
    const r = readSearchRequest(
      rest('ok', criterion, [
        ['size', '5'],
        ['page', '3'],
      ]),
      { page: '9', items: [] },
      fields,
    );
    expect(r).toEqual({ criterion: { type: 'query', field: 'name', operand: 'eq', value: 'x' }, page: { page: 3, size: 5 } });
    expect(readSearchRequest(rest('ok', criterion), {}, fields).page).toEqual({ page: 1, size: 10 });
  });

  it('answers the §6 texts for absent, unparsable and non-object bodies', () => {
    expect(failure(() => readSearchRequest(rest('none'), {}, fields))).toBe('The request body is empty.');
    expect(failure(() => readSearchRequest(rest('empty'), {}, fields))).toBe('The request body is empty.');
    expect(failure(() => readSearchRequest(rest('malformed'), {}, fields))).toBe('Invalid search query: malformed JSON.');
    for (const value of [[criterion], 5, 'query', true])
      expect(failure(() => readSearchRequest(rest('ok', value), {}, fields))).toBe('Invalid search query: malformed JSON.');
  });

  it('checks the body shape, then paging, then the criterion', () => {
    expect(failure(() => readSearchRequest(rest('ok', [1], [['size', '0']]), {}, fields))).toBe('Invalid search query: malformed JSON.');
    expect(failure(() => readSearchRequest(rest('ok', { type: 'nope' }, [['size', '0']]), {}, fields))).toBe('Page size must be between 1 and 100.');
    expect(failure(() => readSearchRequest(rest('ok', { type: 'nope' }), {}, fields))).toBe(
      "Invalid search query: unknown type 'nope'. Allowed types: query, filter.",
    );
  });

  it('accepts another paging rule, such as the metrics search 1..1000', () => {
    const paging = z.object(searchPageParams);
    expect(readSearchRequest(rest('ok', criterion, [['size', '1000']]), {}, fields, paging).page.size).toBe(1000);
    expect(failure(() => readSearchRequest(rest('ok', criterion, [['size', '1001']]), {}, fields, paging))).toBe(
      'Page size must be between 1 and 1000.',
    );
  });
});

describe('readSearchRequest over tRPC', () => {
  it('reads the criterion and page/size from the input', () => {
    expect(readSearchRequest(trpc, { ...criterion, page: 2, size: 3 }, fields)).toEqual({
      criterion: { type: 'query', field: 'name', operand: 'eq', value: 'x' },
      page: { page: 2, size: 3 },
    });
    expect(failure(() => readSearchRequest(trpc, undefined, fields))).toBe('The request body is empty.');
    expect(failure(() => readSearchRequest(trpc, { ...criterion, size: 101 }, fields))).toBe('Page size must be between 1 and 100.');
  });
});
