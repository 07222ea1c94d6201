import { createPki, PUBLISHER_DN, startIam } from '../lib/apel-auth.js';
import { ratioOf, type PhaseContext, type PhaseOutcome } from '../lib/context.js';
import type { Sql } from '../lib/db.js';
import { expectStatus, httpRequest, isUnrouted, type TlsClient } from '../lib/http.js';
import { BARRIER, PhaseRunner, type Step } from '../lib/runner.js';
import { median, pow10, sum, timed } from '../lib/stats.js';

const PHASE = '4 APEL';
const READER = 'bench-reader';
const SNAPSHOTS = 5;
const DAY = 86_400;
const FLOOR_TABLE = 'bench_apel_floor';

/** Stored columns of `apel_records` (update_time and received_seq come from the database). */
const COLUMNS = [
  'vm_uuid',
  'start_time',
  'suspend_duration',
  'wall_duration',
  'site_name',
  'cloud_compute_service',
  'machine_name',
  'local_user_id',
  'local_group_id',
  'global_user_name',
  'fqan',
  'vo',
  'vo_group',
  'vo_role',
  'status',
  'end_time',
  'cpu_duration',
  'cpu_count',
  'network_type',
  'network_inbound',
  'network_outbound',
  'public_ip_count',
  'memory',
  'disk',
  'benchmark_type',
  'benchmark',
  'storage_record_id',
  'image_id',
  'cloud_type',
  'measurement_time',
  'publisher_dn',
] as const;
const KEY = ['vm_uuid', 'start_time', 'suspend_duration', 'wall_duration'];

interface Message {
  text: string;
  /** The same records as typed rows in COLUMNS order, for the floor. */
  rows: unknown[][];
}

/**
 * One `APEL-cloud-message: v0.4` (spec §1.3) of `count` records: `count / 5` VMs with five daily
 * snapshots each (growing WallDuration, the last one completed), over 5 sites, 50 users and 10 VOs.
 * StartTime is epoch seconds; `startYear` moves a message out of the summary's window (warm-up).
 */
export function apelMessage(tag: string, count: number, startYear = 2024): Message {
  const lines: string[] = ['APEL-cloud-message: v0.4'];
  const rows: unknown[][] = [];
  const base = Date.UTC(startYear, 0, 1) / 1000;
  const vms = Math.max(1, Math.floor(count / SNAPSHOTS));
  for (let i = 0; i < count; i++) {
    const v = i % vms;
    const k = Math.floor(i / vms) % SNAPSHOTS;
    const start = base + (v % 300) * DAY + ((v * 7919) % DAY);
    const wall = (k + 1) * DAY - (v % 3600);
    const cpuCount = 1 + (v % 8);
    const completed = k === SNAPSHOTS - 1;
    const vo = `vo${v % 10}`;
    const f = {
      VMUUID: `${tag}-vm-${v}`,
      SiteName: `BENCH-SITE-${v % 5}`,
      CloudComputeService: `bench-service-${v % 3}`,
      MachineName: `vm-${v}`,
      LocalUserId: String(v % 50),
      LocalGroupId: String(v % 10),
      GlobalUserName: `/DC=org/DC=bench/CN=user${v % 50}`,
      FQAN: `/${vo}/Role=NULL/Capability=NULL`,
      Status: completed ? 'completed' : 'started',
      StartTime: start,
      EndTime: completed ? start + wall : null,
      SuspendDuration: 0,
      WallDuration: wall,
      CpuDuration: Math.floor(wall * cpuCount * 0.8),
      CpuCount: cpuCount,
      NetworkType: null,
      NetworkInbound: (k + 1) * 10,
      NetworkOutbound: (k + 1) * 5,
      PublicIPCount: 1,
      Memory: 2048 * (1 + (v % 4)),
      Disk: 20,
      BenchmarkType: 'HEPSPEC06',
      Benchmark: 10,
      StorageRecordId: null,
      ImageId: `image-${v % 5}`,
      CloudType: 'OpenStack',
    };
    for (const [key, value] of Object.entries(f)) lines.push(`${key}: ${value === null ? 'NULL' : value}`);
    lines.push('%%');
    const iso = (s: number) => new Date(s * 1000).toISOString();
    rows.push([
      f.VMUUID,
      iso(start),
      0,
      wall,
      f.SiteName,
      f.CloudComputeService,
      f.MachineName,
      f.LocalUserId,
      f.LocalGroupId,
      f.GlobalUserName,
      f.FQAN,
      vo,
      `/${vo}`,
      'Role=NULL',
      f.Status,
      f.EndTime === null ? null : iso(f.EndTime),
      f.CpuDuration,
      cpuCount,
      'None',
      f.NetworkInbound,
      f.NetworkOutbound,
      1,
      f.Memory,
      20,
      'HEPSPEC06',
      10,
      'None',
      f.ImageId,
      'OpenStack',
      iso(start + wall),
      PUBLISHER_DN,
    ]);
  }
  return { text: `${lines.join('\n')}\n`, rows };
}

/** The floor for storage: a multi-row upsert on the record key, chunked under the parameter limit, one transaction. */
async function upsertRows(sql: Sql, table: string, rows: readonly unknown[][]): Promise<void> {
  const perChunk = Math.floor(65_535 / COLUMNS.length);
  const update = COLUMNS.filter((c) => !KEY.includes(c))
    .map((c) => `${c} = EXCLUDED.${c}`)
    .join(', ');
  await sql.transaction(async (tx) => {
    for (let at = 0; at < rows.length; at += perChunk) {
      const chunk = rows.slice(at, at + perChunk);
      const params: unknown[] = [];
      const tuples = chunk.map((r) => {
        const base = params.length;
        params.push(...r);
        return `(${r.map((_, i) => `$${base + i + 1}`).join(', ')}, now())`;
      });
      await tx.query(
        `INSERT INTO ${table} (${COLUMNS.join(', ')}, update_time) VALUES ${tuples.join(', ')}
         ON CONFLICT (${KEY.join(', ')}) DO UPDATE SET ${update}, update_time = EXCLUDED.update_time`,
        params,
      );
    }
  });
}

const GROUP = [
  'site_name',
  'vo_group',
  'global_user_name',
  'cloud_compute_service',
  'vo',
  'vo_role',
  'status',
  'cloud_type',
  'image_id',
  'cpu_count',
  'benchmark_type',
  'benchmark',
];
const NUMERIC = new Set(['cpu_count', 'benchmark']);

/**
 * The floor for summaries: one hand-written query for §3 — last snapshot per VM and UTC day
 * (DISTINCT ON), deltas against the previous kept snapshot (lag), grouping, the window filter, the
 * total count and the first page of 100 in the §2.3 order.
 */
const SUMMARY_FLOOR = `
WITH last AS (
  SELECT DISTINCT ON (r.vm_uuid, (r.measurement_time AT TIME ZONE 'UTC')::date)
         r.*, (r.measurement_time AT TIME ZONE 'UTC')::date AS day
    FROM apel_records r
   ORDER BY r.vm_uuid, (r.measurement_time AT TIME ZONE 'UTC')::date, r.measurement_time DESC, r.received_seq DESC
),
delta AS (
  SELECT l.*, l.wall_duration - coalesce(lag(l.wall_duration) OVER (PARTITION BY l.vm_uuid ORDER BY l.measurement_time), 0) AS d_wall
    FROM last l
),
s AS (
  SELECT day, ${GROUP.join(', ')}, min(start_time) AS earliest, max(start_time) AS latest, sum(d_wall) AS wall, max(update_time) AS update_time
    FROM delta
   GROUP BY day, ${GROUP.join(', ')}
  HAVING min(start_time) > $1::timestamptz AND max(start_time) < $2::timestamptz
)
SELECT s.*, count(*) OVER () AS total
  FROM s
 ORDER BY day, ${GROUP.map((c) => (NUMERIC.has(c) ? c : `${c} COLLATE "C"`)).join(', ')}
 LIMIT 100`;

/**
 * APEL (spec apel-cloud-accounting.md): `apelMessages` messages of `apelRecords` records POSTed over
 * HTTPS with a client certificate, beside a multi-row upsert of the same typed rows into a copy of the
 * table; then the summary GET (bearer token from a local JWKS server) at the resulting size, beside
 * one hand-written SQL query.
 */
export async function apelPhase(ctx: PhaseContext): Promise<PhaseOutcome> {
  const { db, cfg } = ctx;
  const pki = await createPki();
  const iam = await startIam();
  try {
    const token = await iam.token(READER);
    const postTls: TlsClient = { ca: pki.caPem, cert: pki.client.cert, key: pki.client.key };
    const getTls: TlsClient = { ca: pki.caPem };
    const env = {
      ...pki.env,
      ACC_APEL_ALLOWED_DNS: JSON.stringify([PUBLISHER_DN]),
      ACC_APEL_IAM_ISSUERS: JSON.stringify([iam.issuer]),
      ACC_APEL_ALLOW_HTTP_ISSUERS: 'true',
      ACC_APEL_ALLOWED_FOR_GET: JSON.stringify([READER]),
    };
    const runner = new PhaseRunner(db, { acc: () => ctx.accSpec(env, { ca: pki.caPem }) });
    const warmup = apelMessage('warm', 10, 1990);
    const messages = Array.from({ length: cfg.apelMessages }, (_, r) => apelMessage(`m${r}`, cfg.apelRecords));
    const post: number[] = [];
    const floorPost: number[] = [];
    const summary: number[] = [];
    const floorSummary: number[] = [];
    const total = cfg.apelRecords * cfg.apelMessages;
    let available = { post: true, summary: true };
    let accPage: { count: number; results: { WallDuration: number }[] } | undefined;
    let floorPage: { total: number; wall: number[] } | undefined;

    const postMessage = async (m: Message) => {
      const res = await httpRequest(`${runner.acc().url}/api/v1/cloud/record`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain', 'empa-id': 'bench' },
        body: m.text,
        tls: postTls,
      });
      if (isUnrouted(res)) {
        available.post = false;
        return undefined;
      }
      expectStatus(res, 202, 'APEL record POST');
      return res.ms;
    };
    const summaryParams = [new Date(Date.UTC(2000, 0, 1)).toISOString(), new Date().toISOString()];

    const steps: (Step | typeof BARRIER)[] = [
      { holder: 'direct', run: () => runner.sql().exec(`CREATE TABLE ${FLOOR_TABLE} (LIKE apel_records INCLUDING ALL)`) },
      { holder: 'direct', run: () => upsertRows(runner.sql(), FLOOR_TABLE, warmup.rows) },
      {
        holder: 'acc',
        run: async () => {
          ctx.log(`  ${cfg.apelMessages} messages of ${cfg.apelRecords.toLocaleString('en-US')} records`);
          await postMessage(warmup);
        },
      },
    ];
    for (const m of messages) {
      steps.push(
        { holder: 'direct', run: async () => void floorPost.push((await timed(() => upsertRows(runner.sql(), FLOOR_TABLE, m.rows))).ms) },
        {
          holder: 'acc',
          run: async () => {
            if (!available.post) return;
            const ms = await postMessage(m);
            if (ms !== undefined) post.push(ms);
          },
        },
      );
    }
    steps.push(BARRIER, { holder: 'direct', run: () => runner.sql().exec('VACUUM ANALYZE apel_records') });
    for (let run = 0; run <= cfg.summaryRuns; run++) {
      steps.push(
        {
          holder: 'direct',
          run: async () => {
            const { ms, value } = await timed(() => runner.sql().query<{ total: string; wall: string }>(SUMMARY_FLOOR, summaryParams));
            if (run > 0) floorSummary.push(ms);
            floorPage = { total: Number(value[0]?.total ?? 0), wall: value.map((r) => Number(r.wall)) };
          },
        },
        {
          holder: 'acc',
          run: async () => {
            if (!available.summary) return;
            if (run === 0) ctx.log(`  summary GET at ${pow10(total)} records`);
            const res = await httpRequest(`${runner.acc().url}/api/v1/cloud/record/summary?from=20000101`, {
              headers: { Authorization: `Bearer ${token}` },
              tls: getTls,
            });
            if (isUnrouted(res)) {
              available.summary = false;
              return;
            }
            expectStatus(res, 200, 'APEL summary GET');
            if (run > 0) summary.push(res.ms);
            accPage = JSON.parse(res.text) as typeof accPage;
          },
        },
      );
    }
    await runner.run(steps);

    if (accPage && floorPage) {
      const accWall = accPage.results.map((r) => r.WallDuration);
      if (accPage.count !== floorPage.total || accWall.join() !== floorPage.wall.join())
        throw new Error(
          `APEL summary differs from the SQL floor: count ${accPage.count} vs ${floorPage.total}, first page Σwall ${sum(accWall)} vs ${sum(floorPage.wall)}`,
        );
    }

    const rate = (ms: number[]) => (ms.length === 0 ? null : (cfg.apelRecords * ms.length) / (sum(ms) / 1000));
    const postRatio = ratioOf(rate(post), rate(floorPost));
    ctx.rows.push({
      backend: db.backend,
      phase: PHASE,
      figure: `POST /api/v1/cloud/record, ${cfg.apelRecords.toLocaleString('en-US')} records/message (HTTPS, client cert)`,
      unit: 'records/s',
      acc: rate(post),
      floor: rate(floorPost),
      floorName: 'pg multi-row upsert',
      ratio: postRatio,
      ...(!available.post && { note: 'endpoint not available' }),
    });
    const s = summary.length ? median(summary) : null;
    const f = floorSummary.length ? median(floorSummary) : null;
    ctx.rows.push({
      backend: db.backend,
      phase: PHASE,
      figure: `GET summary page 1 at ${pow10(total)} records (median of ${cfg.summaryRuns})`,
      unit: 'ms',
      acc: s,
      floor: f,
      floorName: 'one SQL query',
      ratio: ratioOf(s, f),
      ...(!available.summary && { note: 'endpoint not available' }),
    });
    const none = !available.post && !available.summary;
    return {
      status: none ? 'not available' : 'ok',
      note:
        !available.post || !available.summary
          ? `not available: ${!available.post ? 'POST ' : ''}${!available.summary ? 'summary GET' : ''}`
          : undefined,
      memory: runner.memory,
      raw: {
        postMs: post,
        floorPostMs: floorPost,
        summaryMs: summary,
        floorSummaryMs: floorSummary,
        summaryCount: accPage?.count,
        messageBytes: messages[0]?.text.length,
      },
    };
  } finally {
    await iam.close();
    pki.cleanup();
  }
}
