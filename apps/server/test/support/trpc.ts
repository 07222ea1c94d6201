import { createTRPCClient, httpLink, TRPCClientError, type TRPCClient } from '@trpc/client';
import type { AppRouter } from '../../src/router.js';

/** A typed tRPC client of the test server, as a real caller builds it: no hand-encoded `/trpc/…` URLs. */
export function trpcClient(baseUrl: string, token?: string, headers: Record<string, string> = {}): TRPCClient<AppRouter> {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${baseUrl}/trpc`, headers: () => ({ ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers }) })],
  });
}

type Node = Record<string, unknown>;

/**
 * Calls a procedure by its router path (`capacities.create`) through the typed client and answers what the
 * suites assert on: the HTTP status and the tRPC body (`{result: {data}}`, or `{error}` with its shape).
 */
export async function callByPath(
  client: TRPCClient<AppRouter>,
  kind: 'query' | 'mutation',
  path: string,
  input: unknown,
): Promise<{ status: number; body: any }> {
  const procedure = path.split('.').reduce<Node>((node, key) => node[key] as Node, client as unknown as Node);
  const invoke = procedure[kind === 'query' ? 'query' : 'mutate'] as (input: unknown) => Promise<unknown>;
  try {
    return { status: 200, body: { result: { data: await invoke(input) } } };
  } catch (err) {
    if (!(err instanceof TRPCClientError)) throw err;
    const shape = err.shape as { data?: { httpStatus?: number } } | undefined;
    if (!shape) throw err;
    return { status: shape.data?.httpStatus ?? 500, body: { error: shape } };
  }
}

/** The message and HTTP status a failed typed call carries; a call that succeeds fails the test. */
export async function trpcFailure(call: Promise<unknown>): Promise<{ message: string; httpStatus: number }> {
  try {
    await call;
  } catch (err) {
    if (!(err instanceof TRPCClientError)) throw err;
    return { message: err.message, httpStatus: (err.data as { httpStatus: number }).httpStatus };
  }
  throw new Error('expected the tRPC call to fail');
}
