import { QueryClient } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
// Type-only: the router's type drives every call's input and output; nothing of the server is bundled.
import type { AppRouter } from '@acc/server';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export type ApiClient = ReturnType<typeof createTRPCClient<AppRouter>>;

export function createApiClient(token: () => string | undefined): ApiClient {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: '/trpc',
        maxItems: 20,
        headers: () => {
          const t = token();
          return t ? { Authorization: `Bearer ${t}` } : {};
        },
      }),
    ],
  });
}

/** The HTTP status the server answered with, when the error came from it. */
export const statusOf = (error: unknown): number | undefined =>
  error instanceof TRPCClientError ? (error.data as { httpStatus?: number } | undefined)?.httpStatus : undefined;

/** The server's own message, shown as it wrote it. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function createQueryClient(onUnauthorized: () => void): QueryClient {
  const client: QueryClient = new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: (count, error) => {
          const status = statusOf(error);
          return status === undefined ? count < 2 : status >= 500 && count < 1;
        },
        refetchOnWindowFocus: false,
      },
    },
  });
  const check = (error: unknown) => {
    if (statusOf(error) === 401) onUnauthorized();
  };
  client.getQueryCache().subscribe((event) => {
    if (event.type === 'updated' && event.action.type === 'error') check(event.action.error);
  });
  client.getMutationCache().subscribe((event) => {
    if (event.type === 'updated' && event.action.type === 'error') check(event.action.error);
  });
  return client;
}
