import { z } from 'zod';
import type { CsvForm } from '../csv.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One procedure's contract: it feeds the tRPC router, the REST bridge, the OpenAPI document,
 * the client and the CLI. `path` is relative to `/accounting-system` and uses `{param}` segments.
 */
export interface ProcedureContract<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType, N extends string = string> {
  /**
   * The stable name callers use (`acc.call('installation_metrics_add', …)`), the ARGO route name where
   * one exists; it also names the route in client errors (`While trying the [name]: …`).
   */
  name: N;
  method: HttpMethod;
  path: `/${string}`;
  input: I;
  output: O;
  /** Success status on REST; 201 answers also carry `Location`. */
  status: 200 | 201 | 202;
  summary: string;
  tags: string[];
  /** Input fields a body method takes from the query string (`?externalId=`), not from the body. */
  query?: string[];
  /**
   * The input field the whole JSON body fills, whatever JSON it is (the bulk push's array is `items`);
   * without it the body is an object whose properties are the input's fields.
   */
  body?: string;
  /** Demand `Content-Type: application/json` although there is no body (`POST /clients`, §1.1). */
  jsonContentType?: boolean;
  /** Error statuses this operation documents besides 401. */
  errors?: number[];
  /**
   * The largest request body an authenticated caller may send, in bytes, when this operation needs more
   * than the server's default (`ACC_MAX_BODY_BYTES`, 1 MiB): a body costs memory and parsing time, so
   * only operations whose inputs are legitimately large (bulk push) declare one.
   */
  maxBodyBytes?: number;
  /** The `Accept: text/csv` form of the answer (usage-api.md §3); without it the operation answers JSON only. */
  csv?: CsvForm;
}

export const REST_BASE = '/accounting-system';

export const isQuery = (c: ProcedureContract) => c.method === 'GET';

/** Methods whose REST input travels in a JSON body (plus path and declared query fields); GET and DELETE take theirs from the query. */
export const hasJsonBody = (method: string): boolean => method === 'POST' || method === 'PUT' || method === 'PATCH';

/** The `{param}` names of a contract's path, in order. */
export const pathParams = (c: Pick<ProcedureContract, 'path'>): string[] => [...c.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');

/** True when the REST form carries a JSON body: a body method whose input has fields beyond the path. */
export const takesBody = (c: ProcedureContract): boolean => {
  if (!hasJsonBody(c.method)) return false;
  const shape = inputShape(c);
  if (!shape) return true;
  const inPath = new Set(pathParams(c));
  return Object.keys(shape).some((k) => !inPath.has(k));
};

/** The fields of a contract's input when it is an object schema (every contract's but a few free-form ones). */
export const inputShape = (c: ProcedureContract): Record<string, z.ZodType> | undefined =>
  c.input instanceof z.ZodObject ? c.input.shape : undefined;

/** An input that takes properties it does not declare (a §6 search criterion). */
export const takesAnyProperty = (c: ProcedureContract): boolean => c.input instanceof z.ZodObject && c.input.def.catchall !== undefined;

/**
 * True when every declared field of the input may be left out (lists, `version`, `clients.register`…),
 * so calling the procedure with no input at all means "all defaults". A loose object is excluded: there
 * the whole input is one free-form payload (a §6 search criterion), and its absence is an empty body.
 */
export const acceptsNoInput = (input: z.ZodType): boolean =>
  input instanceof z.ZodObject &&
  input.def.catchall === undefined &&
  Object.values(input.shape as Record<string, z.ZodType>).every((field) => field.safeParse(undefined).success);

type Spec<I extends z.ZodType, O extends z.ZodType> = Omit<ProcedureContract<I, O>, 'status' | 'tags'> & {
  status?: ProcedureContract['status'];
  tags?: string[];
};

/**
 * Builds a resource's contracts with shared tags and a default status of 200. `const` keeps each `name`
 * as its literal type, so the registry can offer `ContractName` as a union.
 */
export const defineProcedures =
  (tag: string) =>
  <const T extends Record<string, Spec<z.ZodType, z.ZodType>>>(specs: T) =>
    Object.fromEntries(Object.entries(specs).map(([key, s]) => [key, { status: 200, tags: [tag], ...s }])) as {
      [K in keyof T]: ProcedureContract<T[K]['input'], T[K]['output'], T[K]['name']>;
    };
