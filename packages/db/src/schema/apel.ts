import { EntitySchema } from 'typeorm';

/**
 * APEL cloud records (apel-cloud-accounting.md §1.5). The record key is (VMUUID, StartTime,
 * SuspendDuration, WallDuration); distributed by `vm_uuid` under Citus so per-VM snapshot deltas stay local.
 */
export interface ApelRecordRow {
  vmUuid: string;
  startTime: Date;
  suspendDuration: number;
  wallDuration: number;
  siteName: string;
  cloudComputeService: string;
  machineName: string;
  localUserId: string;
  localGroupId: string;
  globalUserName: string;
  fqan: string;
  vo: string;
  voGroup: string;
  voRole: string;
  status: string;
  endTime: Date | null;
  cpuDuration: number | null;
  cpuCount: number | null;
  networkType: string;
  networkInbound: number | null;
  networkOutbound: number | null;
  publicIpCount: number | null;
  memory: number | null;
  disk: number | null;
  benchmarkType: string;
  benchmark: number;
  storageRecordId: string;
  imageId: string;
  cloudType: string;
  /** StartTime + SuspendDuration + WallDuration: the snapshot's instant, whose UTC date is its day. */
  measurementTime: Date;
  publisherDn: string;
  /** Receipt time (`UpdateTime` in summaries). */
  updateTime: Date;
  /** Tie-breaker for equal measurement times: the record received last wins. */
  receivedSeq: string;
}
const str = (name: string) => ({ name, type: 'text' as const, default: 'None' });
const int = (name: string) => ({ name, type: 'bigint' as const, nullable: true });
export const ApelRecordEntity = new EntitySchema<ApelRecordRow>({
  name: 'ApelRecord',
  tableName: 'apel_records',
  columns: {
    vmUuid: { name: 'vm_uuid', type: 'text', primary: true },
    startTime: { name: 'start_time', type: 'timestamptz', primary: true },
    suspendDuration: { name: 'suspend_duration', type: 'bigint', primary: true },
    wallDuration: { name: 'wall_duration', type: 'bigint', primary: true },
    siteName: { name: 'site_name', type: 'text' },
    cloudComputeService: str('cloud_compute_service'),
    machineName: str('machine_name'),
    localUserId: str('local_user_id'),
    localGroupId: str('local_group_id'),
    globalUserName: str('global_user_name'),
    fqan: str('fqan'),
    vo: str('vo'),
    voGroup: str('vo_group'),
    voRole: str('vo_role'),
    status: str('status'),
    endTime: { name: 'end_time', type: 'timestamptz', nullable: true },
    cpuDuration: int('cpu_duration'),
    cpuCount: int('cpu_count'),
    networkType: str('network_type'),
    networkInbound: int('network_inbound'),
    networkOutbound: int('network_outbound'),
    publicIpCount: int('public_ip_count'),
    memory: int('memory'),
    disk: int('disk'),
    benchmarkType: str('benchmark_type'),
    benchmark: { type: 'double precision', default: 0 },
    storageRecordId: str('storage_record_id'),
    imageId: str('image_id'),
    cloudType: str('cloud_type'),
    measurementTime: { name: 'measurement_time', type: 'timestamptz' },
    publisherDn: { name: 'publisher_dn', type: 'text' },
    updateTime: { name: 'update_time', type: 'timestamptz', default: () => 'clock_timestamp()' },
    receivedSeq: { name: 'received_seq', type: 'bigint', generated: 'increment' },
  },
  indices: [
    { name: 'IDX_apel_records_vm_measurement', columns: ['vmUuid', 'measurementTime'] },
    { name: 'IDX_apel_records_site', columns: ['siteName'] },
  ],
});
