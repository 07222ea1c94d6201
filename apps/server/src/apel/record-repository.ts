import type { EntityManager } from 'typeorm';
import type { ApelRecord } from './parser.js';

type Column = readonly [name: string, value: (r: ApelRecord, publisherDn: string) => unknown];

/**
 * Stored columns in table order; `update_time` and `received_seq` are filled by the database. Instants
 * go as ISO text with `Z` (timestamptz columns read them as the same instants): the driver would format
 * each Date field by field in local time, most of the garbage a 10,000-record message made in storage.
 */
const COLUMNS: readonly Column[] = [
  ['vm_uuid', (r) => r.vmUuid],
  ['start_time', (r) => r.startTime.toISOString()],
  ['suspend_duration', (r) => r.suspendDuration],
  ['wall_duration', (r) => r.wallDuration],
  ['site_name', (r) => r.siteName],
  ['cloud_compute_service', (r) => r.cloudComputeService],
  ['machine_name', (r) => r.machineName],
  ['local_user_id', (r) => r.localUserId],
  ['local_group_id', (r) => r.localGroupId],
  ['global_user_name', (r) => r.globalUserName],
  ['fqan', (r) => r.fqan],
  ['vo', (r) => r.vo],
  ['vo_group', (r) => r.voGroup],
  ['vo_role', (r) => r.voRole],
  ['status', (r) => r.status],
  ['end_time', (r) => r.endTime?.toISOString() ?? null],
  ['cpu_duration', (r) => r.cpuDuration],
  ['cpu_count', (r) => r.cpuCount],
  ['network_type', (r) => r.networkType],
  ['network_inbound', (r) => r.networkInbound],
  ['network_outbound', (r) => r.networkOutbound],
  ['public_ip_count', (r) => r.publicIpCount],
  ['memory', (r) => r.memory],
  ['disk', (r) => r.disk],
  ['benchmark_type', (r) => r.benchmarkType],
  ['benchmark', (r) => r.benchmark],
  ['storage_record_id', (r) => r.storageRecordId],
  ['image_id', (r) => r.imageId],
  ['cloud_type', (r) => r.cloudType],
  ['measurement_time', (r) => measurementTime(r).toISOString()],
  ['publisher_dn', (_r, dn) => dn],
];

const KEY_COLUMNS = new Set(['vm_uuid', 'start_time', 'suspend_duration', 'wall_duration']);

/** PostgreSQL's bind-parameter limit (a 16-bit count in the wire protocol). */
export const MAX_PARAMETERS = 65_535;
/**
 * Rows per statement. Well under MAX_PARAMETERS / columns (2114): PGlite runs each statement on the
 * event loop's thread, so smaller statements keep other requests responsive between chunks, while
 * 500 rows still make a 10,000-record message 20 round trips rather than 10,000.
 */
export const CHUNK_ROWS = Math.min(500, Math.floor(MAX_PARAMETERS / COLUMNS.length));

/** StartTime + SuspendDuration + WallDuration (spec §3.1), the instant whose UTC date is the snapshot's day. */
export const measurementTime = (r: ApelRecord): Date => new Date(r.startTime.getTime() + (r.suspendDuration + r.wallDuration) * 1000);

/**
 * Records with the same key (§1.5) collapse to the last one in the message. PostgreSQL refuses an
 * `ON CONFLICT DO UPDATE` that touches one row twice, and "last wins" is what sequential replacement
 * would give. Re-inserting moves a key to the end so the survivor also keeps the last position,
 * which decides its `received_seq` and with it the "received last" tie-break of §3.2.
 */
export function dedupeRecords(records: readonly ApelRecord[]): ApelRecord[] {
  const byKey = new Map<string, ApelRecord>();
  for (const r of records) {
    const key = `${r.vmUuid}\u0000${r.startTime.getTime()}\u0000${r.suspendDuration}\u0000${r.wallDuration}`;
    byKey.delete(key);
    byKey.set(key, r);
  }
  return [...byKey.values()];
}

const columnList = COLUMNS.map(([c]) => `"${c}"`).join(', ');
const updateList = [
  ...COLUMNS.filter(([c]) => !KEY_COLUMNS.has(c)).map(([c]) => `"${c}" = EXCLUDED."${c}"`),
  // A replaced record counts as received now (§1.5: "plus receipt time").
  `"update_time" = EXCLUDED."update_time"`,
  `"received_seq" = EXCLUDED."received_seq"`,
].join(', ');

function upsertSql(rows: number): string {
  const tuples: string[] = [];
  let p = 1;
  for (let i = 0; i < rows; i++) {
    const params: string[] = [];
    for (let c = 0; c < COLUMNS.length; c++) params.push(`$${p++}`);
    // now() is the transaction's start: one receipt time for the whole message.
    tuples.push(`(${params.join(', ')}, now())`);
  }
  return (
    `INSERT INTO "apel_records" (${columnList}, "update_time") VALUES ${tuples.join(', ')} ` +
    `ON CONFLICT ("vm_uuid", "start_time", "suspend_duration", "wall_duration") DO UPDATE SET ${updateList}`
  );
}

// Only the full-chunk statement is worth keeping; the one shorter tail per message is built fresh.
let fullChunkSql: string | undefined;

/** SQL for `apel_records`, always through the caller's EntityManager (so inside its transaction). */
export class ApelRecordRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * Inserts or replaces `records` (already deduplicated) in chunks; the caller owns the transaction.
   * Between chunks the event loop gets a turn: PGlite executes on this thread, and a large message
   * must not starve every other request until it is stored.
   */
  async upsert(records: readonly ApelRecord[], publisherDn: string): Promise<void> {
    for (let start = 0; start < records.length; start += CHUNK_ROWS) {
      const chunk = records.slice(start, start + CHUNK_ROWS);
      const params: unknown[] = [];
      for (const r of chunk) for (const [, value] of COLUMNS) params.push(value(r, publisherDn));
      const sql = chunk.length === CHUNK_ROWS ? (fullChunkSql ??= upsertSql(CHUNK_ROWS)) : upsertSql(chunk.length);
      if (start > 0) await new Promise((resolve) => setImmediate(resolve));
      await this.em.query(sql, params);
    }
  }
}
