import { MAX_ABS_VALUE, MAX_LENGTH, textProblem } from '@acc/contracts';
import { badRequest } from '../errors.js';

/**
 * One VM usage record of an `APEL-cloud-message`, validated and with the storage defaults of
 * spec §1.5 applied. Null string fields hold the literal `'None'` (that string is what appears in
 * summaries); null numeric and date-time fields hold `null`.
 */
export interface ApelRecord {
  vmUuid: string;
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
  startTime: Date;
  endTime: Date | null;
  suspendDuration: number;
  wallDuration: number;
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
}

export const MESSAGE_TYPE = 'APEL-cloud-message';
export const NULL_STRING = 'None';

type FieldKind = 'string' | 'int' | 'float' | 'datetime';

/** Message keys in message order (§1.4) with the record property each one fills. */
export const APEL_FIELDS = [
  ['VMUUID', 'vmUuid', 'string'],
  ['SiteName', 'siteName', 'string'],
  ['CloudComputeService', 'cloudComputeService', 'string'],
  ['MachineName', 'machineName', 'string'],
  ['LocalUserId', 'localUserId', 'string'],
  ['LocalGroupId', 'localGroupId', 'string'],
  ['GlobalUserName', 'globalUserName', 'string'],
  ['FQAN', 'fqan', 'string'],
  ['Status', 'status', 'string'],
  ['StartTime', 'startTime', 'datetime'],
  ['EndTime', 'endTime', 'datetime'],
  ['SuspendDuration', 'suspendDuration', 'int'],
  ['WallDuration', 'wallDuration', 'int'],
  ['CpuDuration', 'cpuDuration', 'int'],
  ['CpuCount', 'cpuCount', 'int'],
  ['NetworkType', 'networkType', 'string'],
  ['NetworkInbound', 'networkInbound', 'int'],
  ['NetworkOutbound', 'networkOutbound', 'int'],
  ['PublicIPCount', 'publicIpCount', 'int'],
  ['Memory', 'memory', 'int'],
  ['Disk', 'disk', 'int'],
  ['BenchmarkType', 'benchmarkType', 'string'],
  ['Benchmark', 'benchmark', 'float'],
  ['StorageRecordId', 'storageRecordId', 'string'],
  ['ImageId', 'imageId', 'string'],
  ['CloudType', 'cloudType', 'string'],
] as const satisfies readonly (readonly [string, keyof ApelRecord, FieldKind])[];

const FIELD_COUNT = APEL_FIELDS.length;
// A Map rather than an object literal so keys such as `constructor` or `__proto__` are unknown
// fields instead of prototype hits.
const FIELD_INDEX = new Map<string, number>(APEL_FIELDS.map(([key], i) => [key, i]));
const IGNORED_KEY = 'UpdateTime';

const idx = (key: (typeof APEL_FIELDS)[number][0]) => FIELD_INDEX.get(key)!;
/** Each record property's field index. */
const AT = Object.fromEntries(APEL_FIELDS.map(([, prop], i) => [prop, i])) as Record<(typeof APEL_FIELDS)[number][1], number>;
const I_VMUUID = idx('VMUUID');
const I_SITE = idx('SiteName');
const I_STATUS = idx('Status');
const I_START = idx('StartTime');
const I_END = idx('EndTime');
const I_SUSPEND = idx('SuspendDuration');
const I_WALL = idx('WallDuration');
const I_BENCHMARK = idx('Benchmark');
const I_FQAN = idx('FQAN');

const LINE_BREAK = /\r\n|\n|\r/;
const INT_RE = /^[+-]?\d+$/;
const FLOAT_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

// Years 1..9999: what the original's Python datetime accepted and what SQL date-time columns hold,
// so an out-of-range value is a 400 here rather than a storage failure later.
const MIN_TIME_MS = new Date(0).setUTCFullYear(1, 0, 1);
const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

/**
 * The longest duration, in seconds: the whole span of representable instants. Durations are added to
 * StartTime (the measurement time, §3.1), so anything longer could only produce an invalid instant.
 */
export const MAX_DURATION_S = (MAX_TIME_MS - MIN_TIME_MS) / 1000;
const DURATIONS = new Set<string>(['SuspendDuration', 'WallDuration', 'CpuDuration']);
/** Key columns and indexed columns hold ids; every other string field gets the longer text bound. */
const stringMax = (key: string) => (key === 'VMUUID' ? MAX_LENGTH.id : key === 'SiteName' ? MAX_LENGTH.name : MAX_LENGTH.text);
const rangeMessage = (key: string, min: number | string, max: number | string) => `${key} must be between ${min} and ${max}.`;
const durationRange = (key: string) => rangeMessage(key, 0, MAX_DURATION_S);

export function isNullToken(value: string): boolean {
  if (value.length === 0) return true;
  if (value.length !== 4) return false;
  const lower = value.toLowerCase();
  return lower === 'null' || lower === 'none';
}

/** VO, VOGroup and VORole derived from an FQAN per §1.6; `fqan` null means no FQAN was given. */
export function parseFqan(fqan: string | null): { vo: string; voGroup: string; voRole: string } {
  if (fqan === null) return { vo: NULL_STRING, voGroup: NULL_STRING, voRole: NULL_STRING };
  const semi = fqan.indexOf(';');
  const first = semi === -1 ? fqan : fqan.slice(0, semi);
  if (!first.startsWith('/')) return { vo: first, voGroup: NULL_STRING, voRole: NULL_STRING };
  const segments = first.slice(1).split('/');
  let roleAt = segments.findIndex((s) => s.slice(0, 5).toLowerCase() === 'role=');
  const voRole = roleAt === -1 ? NULL_STRING : segments[roleAt];
  if (roleAt === -1) roleAt = segments.length;
  return { vo: segments[0], voGroup: '/' + segments.slice(0, roleAt).join('/'), voRole };
}

function parseInt10(value: string): number | undefined {
  if (!INT_RE.test(value)) return undefined;
  const n = Number(value);
  // Beyond 2^53 the number would be stored silently rounded; refuse it instead.
  if (!Number.isSafeInteger(n)) return undefined;
  return n === 0 ? 0 : n; // no -0
}

function parseFloat10(value: string): number | undefined {
  if (!FLOAT_RE.test(value)) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? (n === 0 ? 0 : n) : undefined;
}

function parseDateTime(value: string): Date | undefined {
  let ms: number;
  if (INT_RE.test(value)) {
    const seconds = Number(value);
    if (!Number.isSafeInteger(seconds)) return undefined;
    ms = seconds * 1000;
  } else {
    const m = ISO_RE.exec(value);
    if (!m) return undefined;
    const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
    if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
    const d = new Date(0);
    // setUTCFullYear, because Date.UTC maps years 0..99 to 1900..1999.
    d.setUTCFullYear(year, month - 1, day);
    if (d.getUTCMonth() !== month - 1) return undefined; // e.g. 2016-02-30 rolled over into March
    d.setUTCHours(hour, minute, second, 0);
    ms = d.getTime();
  }
  if (!(ms >= MIN_TIME_MS && ms <= MAX_TIME_MS)) return undefined;
  return new Date(ms);
}

function fail(recordNo: number, message: string): never {
  throw badRequest(`Record ${recordNo}: ${message}`);
}

/** Raw values by field index; `undefined` = key absent. Later lines overwrite earlier ones. */
function readRecordLines(record: string, recordNo: number): (string | undefined)[] {
  const raw = new Array<string | undefined>(FIELD_COUNT).fill(undefined);
  for (const line of record.split(LINE_BREAK)) {
    const colon = line.indexOf(':');
    if (colon === -1) fail(recordNo, `Record contains a line without a key-value pair: ${line}`);
    const key = line.slice(0, colon).trim();
    const at = FIELD_INDEX.get(key);
    if (at === undefined) {
      if (key === IGNORED_KEY) continue;
      fail(recordNo, `Unknown field: ${key}`);
    }
    raw[at] = line.slice(colon + 1).trim();
  }
  return raw;
}

function buildRecord(raw: (string | undefined)[], recordNo: number, shared: Map<string, string>): ApelRecord {
  const values = new Array<string | number | Date | null>(FIELD_COUNT);
  for (let i = 0; i < FIELD_COUNT; i++) {
    const v = raw[i];
    if (v === undefined || isNullToken(v)) {
      values[i] = null;
      continue;
    }
    const [key, , kind] = APEL_FIELDS[i];
    switch (kind) {
      case 'string': {
        // NUL cannot be stored, and an unbounded VMUUID cannot be a key (index rows are at most 2704 bytes).
        const problem = textProblem(key, v, stringMax(key));
        if (problem) fail(recordNo, problem);
        values[i] = v;
        break;
      }
      case 'int': {
        const n = parseInt10(v);
        if (n === undefined) fail(recordNo, `Invalid int value ${v} in field ${key}`);
        // Counts stay as the original took them (any exact integer); durations move timestamps.
        if (DURATIONS.has(key) && (n < 0 || n > MAX_DURATION_S)) fail(recordNo, durationRange(key));
        values[i] = n;
        break;
      }
      case 'float': {
        const n = parseFloat10(v);
        if (n === undefined) fail(recordNo, `Invalid float value ${v} in field ${key}`);
        if (Math.abs(n) > MAX_ABS_VALUE) fail(recordNo, rangeMessage(key, '-1e15', '1e15'));
        values[i] = n;
        break;
      }
      case 'datetime': {
        const d = parseDateTime(v);
        if (d === undefined) fail(recordNo, `Invalid datetime value ${v} in field ${key}`);
        values[i] = d;
        break;
      }
    }
  }

  for (const i of [I_VMUUID, I_SITE]) {
    const key = APEL_FIELDS[i][0];
    if (raw[i] === undefined) fail(recordNo, `Mandatory field ${key} not specified.`);
    if (values[i] === null) fail(recordNo, `NULL in mandatory field: ${key}`);
  }
  if (values[I_START] === null) fail(recordNo, 'NULL in mandatory field: StartTime');

  if (values[I_SUSPEND] === null) values[I_SUSPEND] = 0;
  if (values[I_BENCHMARK] === null) values[I_BENCHMARK] = 0;
  if (values[I_WALL] === null && values[I_STATUS] === 'completed' && values[I_END] !== null) {
    // fixed vs original: a difference of instants in seconds, not of YYYYMMDDhhmmss digits.
    const start = (values[I_START] as Date).getTime();
    const end = (values[I_END] as Date).getTime();
    values[I_WALL] = Math.trunc((end - start) / 1000);
    // An EndTime before StartTime computes a negative duration: the same range rule as a sent one.
    if (values[I_WALL] < 0) fail(recordNo, durationRange('WallDuration'));
  }
  if (values[I_WALL] === null) {
    fail(recordNo, 'WallDuration must be set unless Status is completed and EndTime is set.');
  }
  const measured = (values[I_START] as Date).getTime() + ((values[I_SUSPEND] as number) + (values[I_WALL] as number)) * 1000;
  if (measured > MAX_TIME_MS) fail(recordNo, 'StartTime + SuspendDuration + WallDuration must fall within the years 1 to 9999.');

  const { vo, voGroup, voRole } = parseFqan(values[I_FQAN] as string | null);
  const text = (i: number) => {
    const v = values[i] as string | null;
    if (v === null) return NULL_STRING;
    const known = shared.get(v);
    if (known !== undefined) return known;
    shared.set(v, v);
    return v;
  };
  const number = (i: number) => values[i] as number | null;
  const instant = (i: number) => values[i] as Date | null;
  // One literal, so every record shares one hidden class: assigned property by property (keyed), each
  // record became a dictionary-mode object of ~2 KB, and a 10,000-record message held ~20 MB of them.
  return {
    vmUuid: text(AT.vmUuid),
    siteName: text(AT.siteName),
    cloudComputeService: text(AT.cloudComputeService),
    machineName: text(AT.machineName),
    localUserId: text(AT.localUserId),
    localGroupId: text(AT.localGroupId),
    globalUserName: text(AT.globalUserName),
    fqan: text(AT.fqan),
    status: text(AT.status),
    startTime: instant(AT.startTime) as Date,
    endTime: instant(AT.endTime),
    suspendDuration: number(AT.suspendDuration) as number,
    wallDuration: number(AT.wallDuration) as number,
    cpuDuration: number(AT.cpuDuration),
    cpuCount: number(AT.cpuCount),
    networkType: text(AT.networkType),
    networkInbound: number(AT.networkInbound),
    networkOutbound: number(AT.networkOutbound),
    publicIpCount: number(AT.publicIpCount),
    memory: number(AT.memory),
    disk: number(AT.disk),
    benchmarkType: text(AT.benchmarkType),
    benchmark: number(AT.benchmark) as number,
    storageRecordId: text(AT.storageRecordId),
    imageId: text(AT.imageId),
    cloudType: text(AT.cloudType),
    vo,
    voGroup,
    voRole,
  };
}

/**
 * Parses and validates a whole `APEL-cloud-message` (v0.2 or v0.4) per spec §1.3–§1.6.
 * Throws `badRequest` with the spec's exact message at the first violation; a message is accepted
 * or rejected as a whole.
 */
export function parseApelMessage(text: string): ApelRecord[] {
  const body = text.trim();
  if (body.length === 0) throw badRequest('Message is empty.');

  const firstBreak = LINE_BREAK.exec(body);
  const header = firstBreak ? body.slice(0, firstBreak.index) : body;
  const rest = firstBreak ? body.slice(firstBreak.index + firstBreak[0].length) : '';

  const colon = header.indexOf(':');
  if (colon === -1) throw badRequest(`Message header is incorrect: ${header}`);
  const type = header.slice(0, colon).trim();
  if (type !== MESSAGE_TYPE) throw badRequest(`Message type ${type} not recognised.`);

  const records: ApelRecord[] = [];
  // One string per distinct text value in the message: records repeat their site, service, users, VO,
  // status, image and cloud type, and each repeat was its own string for as long as the records live
  // (a 10,000-record message's records: 7.7 → 4.8 MB).
  const shared = new Map<string, string>();
  // A plain substring split, as the spec requires: `%%` inside a value also ends a record.
  for (const chunk of rest.split('%%')) {
    const record = chunk.trim();
    if (record.length === 0) continue;
    const recordNo = records.length + 1;
    records.push(buildRecord(readRecordLines(record, recordNo), recordNo, shared));
  }
  if (records.length === 0) throw badRequest('Message contains no records.');
  return records;
}
