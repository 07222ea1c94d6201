import type { CollectionPermission } from '@acc/contracts';

/** Every permission the service reports is unconditional (§4.1). */
const always = (collection: string, operations: string[]): CollectionPermission => ({
  collection,
  access_permissions: operations.map((operation) => ({ operation, access_type: 'ALWAYS' })),
});

const CRUD = ['READ', 'CREATE', 'UPDATE', 'DELETE'];

/** Provider and installation levels: metrics and installations. */
export const scopedPermissions = (): CollectionPermission[] => [always('Metric', CRUD), always('Installation', CRUD)];

/** Project level: the project itself, plus everything below it. */
export const projectPermissions = (): CollectionPermission[] => [always('Project', ['ASSOCIATE', 'DISSOCIATE', 'READ']), ...scopedPermissions()];

/** `GET /clients/general-permissions`: one entry per global collection, in the spec's order. */
export const generalPermissions = (): CollectionPermission[] =>
  ['MetricDefinition', 'UnitType', 'MetricType', 'Client', 'Provider'].map((c) => always(c, CRUD));
