import { hasJsonBody, inputShape, takesAnyProperty, type ProcedureContract } from '@acc/contracts';

export type QueryValue = string | number | boolean | Date | null | undefined;

/** A contract call in REST form: everything comes from the contract, nothing is written per route. */
export interface RestCall {
  method: string;
  /** Below `/accounting-system`, path parameters filled in and encoded. */
  path: string;
  query: [string, string][];
  /** The JSON body, when the operation takes one. */
  body?: unknown;
  /** `Content-Type: application/json` although there is no body (`POST /clients`, §1.1). */
  jsonWithoutBody: boolean;
}

export function appendQuery(query: [string, string][], key: string, value: QueryValue | QueryValue[]): void {
  for (const v of Array.isArray(value) ? value : [value]) {
    if (v === undefined || v === null) continue;
    query.push([key, v instanceof Date ? v.toISOString() : String(v)]);
  }
}

/**
 * Where each input field travels, as the server's REST bridge reads it: `{param}` segments from the
 * path, the query string for GET and DELETE (and for a body method's declared `query` fields), the
 * JSON body otherwise; a contract's `body` field is the whole JSON body (the bulk push's array).
 */
export function toRestCall(
  contract: ProcedureContract,
  input: object | undefined,
  extraQuery: Record<string, QueryValue | QueryValue[]> = {},
): RestCall {
  const fields: Record<string, unknown> = { ...(input ?? {}) };
  const path = contract.path.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = fields[key];
    delete fields[key];
    // Path parameters are ids: scalars only, so an object can never turn into `[object Object]`.
    if (typeof value !== 'string' && typeof value !== 'number') throw new TypeError(`${contract.name} needs a ${key}.`);
    if (value === '') throw new TypeError(`${contract.name} needs a ${key}.`);
    return encodeURIComponent(String(value));
  });
  const withBody = hasJsonBody(contract.method);
  const query: [string, string][] = [];
  for (const key of withBody ? (contract.query ?? []) : Object.keys(fields)) {
    appendQuery(query, key, fields[key] as QueryValue | QueryValue[]);
    delete fields[key];
  }
  for (const [key, value] of Object.entries(extraQuery)) appendQuery(query, key, value);
  const declared = Object.keys(inputShape(contract) ?? {}).filter((k) => !contract.path.includes(`{${k}}`) && !contract.query?.includes(k));
  const loose = takesAnyProperty(contract);
  const takesBody = withBody && (loose || declared.length > 0);
  let body: unknown;
  if (takesBody) body = contract.body === undefined ? fields : fields[contract.body];
  return { method: contract.method, path, query, body, jsonWithoutBody: !takesBody && contract.jsonContentType === true };
}
