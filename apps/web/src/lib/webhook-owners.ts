import { useTRPC, useTRPCClient } from './trpc';

/** The two kinds of webhook owner (alerts.md §1 and §3): same procedures, each under its own router. */
export type WebhookOwner = 'alerts' | 'schedules';

const PAGE = { page: 1, size: 20 };

/**
 * What the shared views (delivery log, test event, enable/disable, delete) call for either owner. Each
 * call picks its router explicitly, so both stay fully typed from the contracts.
 */
export function useOwnerApi(owner: WebhookOwner) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const alerts = owner === 'alerts';
  return {
    listKey: alerts ? trpc.alerts.list.queryKey() : trpc.schedules.list.queryKey(),
    deliveriesKey: (id: string) => [owner, 'deliveries', id] as const,
    deliveries: (id: string) => (alerts ? client.alerts.deliveries.query({ id, ...PAGE }) : client.schedules.deliveries.query({ id, ...PAGE })),
    test: (id: string) => (alerts ? client.alerts.test.mutate({ id }) : client.schedules.test.mutate({ id })),
    // The answers differ in shape and nothing reads them: the list is fetched again.
    setEnabled: async (id: string, enabled: boolean): Promise<void> => {
      await (alerts ? client.alerts.update.mutate({ id, enabled }) : client.schedules.update.mutate({ id, enabled }));
    },
    remove: async (id: string): Promise<void> => {
      await (alerts ? client.alerts.delete.mutate({ id }) : client.schedules.delete.mutate({ id }));
    },
  };
}
