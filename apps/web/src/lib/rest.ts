import { REST_BASE, type ProcedureContract } from '@acc/contracts';

type QueryValue = string | number | boolean | null | undefined | readonly (string | number)[];

/**
 * The REST URL of a contract for an input: `{param}` segments from the input, every other field in the
 * query string (lists repeated). The dashboard fetches CSV from here, so paths come from the contracts,
 * never typed again by hand.
 */
export function restUrl(contract: Pick<ProcedureContract, 'path'>, input: Record<string, QueryValue>): string {
  const used = new Set<string>();
  const path = contract.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    used.add(name);
    const value = input[name];
    if (value === undefined || value === null || Array.isArray(value)) throw new Error(`restUrl: ${name} is missing`);
    return encodeURIComponent(String(value));
  });
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(input)) {
    if (used.has(key) || value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const v of value as readonly (string | number)[]) query.append(key, String(v));
    else query.append(key, String(value));
  }
  const qs = query.toString();
  return `${REST_BASE}${path}${qs ? `?${qs}` : ''}`;
}
