import type { Actor, ActorEntitlement, Entitlement } from '@acc/contracts';
import type { ActorEntitlementRow, ActorRow, EntitlementRow } from '@acc/db';

/**
 * §1.1: actors and entitlements show their instants as zone-less local date-times of the UTC value,
 * e.g. "2024-10-02T14:21:09.482", because existing clients read them as Java LocalDateTime.
 */
export const toLocalDateTime = (instant: Date): string => instant.toISOString().replace(/Z$/, '');

export const actorToWire = (row: ActorRow): Actor => ({
  id: row.id,
  oidc_id: row.oidcId,
  name: row.name,
  email: row.email,
  registered_on: toLocalDateTime(row.registeredOn),
  issuer: row.issuer,
});

export const entitlementToWire = (row: EntitlementRow): Entitlement => ({
  id: row.id,
  name: row.name,
  registered_on: toLocalDateTime(row.registeredOn),
});

export const assignmentToWire = (row: ActorEntitlementRow): ActorEntitlement => ({
  id: row.id,
  actor_id: row.actorId,
  entitlement_id: row.entitlementId,
  assigned_at: toLocalDateTime(row.assignedAt),
});
