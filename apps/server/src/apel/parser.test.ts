import { describe, it, expect } from 'vitest';
import { AppError } from '../errors.js';
import { parseApelMessage, parseFqan, type ApelRecord } from './parser.js';

const V04_MESSAGE = `APEL-cloud-message: v0.4
VMUUID: 1559818218-CESGA-one-2421
SiteName: CESGA
CloudComputeService: OpenNebula-compute
MachineName: one-2421
LocalUserId: 19
LocalGroupId: 101
GlobalUserName: /DC=es/DC=irisgrid/O=cesga/CN=javier-cacheiro
FQAN: /fedcloud.egi.eu/Role=NULL/Capability=NULL
Status: completed
StartTime: 1559818218
EndTime: 1559904618
SuspendDuration: NULL
WallDuration: 86400
CpuDuration: 86400
CpuCount: 2
NetworkType: NULL
NetworkInbound: 0
NetworkOutbound: 0
PublicIPCount: 1
Memory: 2048
Disk: 20
BenchmarkType: HEPSPEC06
Benchmark: 10.25
StorageRecordId: NULL
ImageId: https://appdb.egi.eu/store/vo/image/2c24de6c-e385-4e5d-a6b9-b6e5bff7e7f5:1234/
CloudType: OpenNebula
%%
VMUUID: 1559818300-CESGA-one-2422
SiteName: CESGA
CloudComputeService: OpenNebula-compute
MachineName: one-2422
LocalUserId: 19
LocalGroupId: 101
GlobalUserName: None
FQAN: /atlas/uk/Role=production;/atlas/Role=NULL
Status: started
StartTime: 2019-06-06T10:51:40Z
EndTime: NULL
SuspendDuration: 60
WallDuration: 3600
CpuDuration: 3000
CpuCount: 4
NetworkType: public
NetworkInbound: 5
NetworkOutbound: 7
PublicIPCount: None
Memory: 4096
Disk: 40
BenchmarkType: NULL
Benchmark: NULL
StorageRecordId: NULL
ImageId: NULL
CloudType: OpenNebula
%%
`;

const V02_MESSAGE = `APEL-cloud-message: v0.2
VMUUID: https://cloud.example.org:8787/compute/5a6c7d8e
SiteName: 100IT
MachineName: vm-test-001
LocalUserId: 2f4b8e6c
LocalGroupId: 9a1d3f
GlobalUserName: /C=UK/O=eScience/OU=CLRC/L=RAL/CN=john smith
FQAN: /ops/Role=NULL/Capability=NULL
Status: completed
StartTime: 1361813847
EndTime: 1361900247
SuspendDuration: 0
WallDuration: NULL
CpuDuration: 86400
CpuCount: 1
NetworkType: NULL
NetworkInbound: NULL
NetworkOutbound: NULL
Memory: 512
Disk: 10
StorageRecordId: NULL
ImageId: ami-00001
CloudType: OpenStack
%%`;

/** The 400 a message is rejected with, or a failure if it is accepted. */
function rejection(text: string): { status: number; message: string } {
  try {
    parseApelMessage(text);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return { status: (err as AppError).status, message: (err as AppError).message };
  }
  throw new Error('message was accepted');
}

const expectRejected = (text: string, message: string) => expect(rejection(text)).toEqual({ status: 400, message });

const HEADER = 'APEL-cloud-message: v0.4\n';
const MINIMAL = 'VMUUID: vm-1\nSiteName: SITE\nStartTime: 1000\nWallDuration: 10';
const msg = (...records: string[]) => HEADER + records.join('\n%%\n') + '\n%%\n';
const one = (extraLines: string) => parseApelMessage(msg(`${MINIMAL}\n${extraLines}`))[0];

describe('parseApelMessage: realistic messages', () => {
  it('parses a v0.4 message with every field', () => {
    const records = parseApelMessage(V04_MESSAGE);
    expect(records).toHaveLength(2);
    expect(records[0]).toEqual<ApelRecord>({
      vmUuid: '1559818218-CESGA-one-2421',
      siteName: 'CESGA',
      cloudComputeService: 'OpenNebula-compute',
      machineName: 'one-2421',
      localUserId: '19',
      localGroupId: '101',
      globalUserName: '/DC=es/DC=irisgrid/O=cesga/CN=javier-cacheiro',
      fqan: '/fedcloud.egi.eu/Role=NULL/Capability=NULL',
      vo: 'fedcloud.egi.eu',
      voGroup: '/fedcloud.egi.eu',
      voRole: 'Role=NULL',
      status: 'completed',
      startTime: new Date('2019-06-06T10:50:18Z'),
      endTime: new Date('2019-06-07T10:50:18Z'),
      suspendDuration: 0,
      wallDuration: 86400,
      cpuDuration: 86400,
      cpuCount: 2,
      networkType: 'None',
      networkInbound: 0,
      networkOutbound: 0,
      publicIpCount: 1,
      memory: 2048,
      disk: 20,
      benchmarkType: 'HEPSPEC06',
      benchmark: 10.25,
      storageRecordId: 'None',
      // only the first ':' of a line separates key from value
      imageId: 'https://appdb.egi.eu/store/vo/image/2c24de6c-e385-4e5d-a6b9-b6e5bff7e7f5:1234/',
      cloudType: 'OpenNebula',
    });
    expect(records[1]).toMatchObject({
      vmUuid: '1559818300-CESGA-one-2422',
      globalUserName: 'None',
      fqan: '/atlas/uk/Role=production;/atlas/Role=NULL',
      vo: 'atlas',
      voGroup: '/atlas/uk',
      voRole: 'Role=production',
      status: 'started',
      startTime: new Date('2019-06-06T10:51:40Z'),
      endTime: null,
      suspendDuration: 60,
      wallDuration: 3600,
      networkType: 'public',
      publicIpCount: null,
      benchmarkType: 'None',
      benchmark: 0,
      imageId: 'None',
    });
  });

  it('parses a v0.2 message, which lacks the four v0.4 fields', () => {
    const [r] = parseApelMessage(V02_MESSAGE);
    expect(r).toMatchObject({
      vmUuid: 'https://cloud.example.org:8787/compute/5a6c7d8e',
      siteName: '100IT',
      cloudComputeService: 'None',
      publicIpCount: null,
      benchmarkType: 'None',
      benchmark: 0,
      globalUserName: '/C=UK/O=eScience/OU=CLRC/L=RAL/CN=john smith',
      vo: 'ops',
      voGroup: '/ops',
      voRole: 'Role=NULL',
      startTime: new Date(1361813847 * 1000),
      endTime: new Date(1361900247 * 1000),
      // WallDuration NULL, completed, EndTime set: EndTime - StartTime
      wallDuration: 86400,
      networkInbound: null,
      networkOutbound: null,
      memory: 512,
      cloudType: 'OpenStack',
    });
  });

  it('does not enforce the version and accepts CRLF line endings and surrounding whitespace', () => {
    const text = `\r\n  APEL-cloud-message: v9.9\r\n${MINIMAL.replace(/\n/g, '\r\n')}\r\n%%\r\n  \n`;
    expect(parseApelMessage(text)).toHaveLength(1);
    expect(parseApelMessage(' APEL-cloud-message :v0.2\n' + MINIMAL)[0].siteName).toBe('SITE');
  });

  it('trims keys and values and lets a repeated key win with its last value', () => {
    const r = one('  MachineName  :   first  \nMachineName: second\nMemory: 1\nMemory:   2  ');
    expect(r.machineName).toBe('second');
    expect(r.memory).toBe(2);
  });

  it('lets a later valid value replace an earlier invalid one', () => {
    expect(one('Memory: lots\nMemory: 3').memory).toBe(3);
  });

  it('ignores UpdateTime whatever it holds', () => {
    expect(one('UpdateTime: not a date').vmUuid).toBe('vm-1');
    expect(one('UpdateTime: 2019-01-01T00:00:00Z')).not.toHaveProperty('updateTime');
  });
});

describe('parseApelMessage: record splitting', () => {
  it('skips a trailing %% and empty or whitespace-only chunks', () => {
    const text = `${HEADER}%%\n   \n%%${MINIMAL}\n%%\n\n%%  %%\n${MINIMAL.replace('vm-1', 'vm-2')}\n%%\n%%`;
    expect(parseApelMessage(text).map((r) => r.vmUuid)).toEqual(['vm-1', 'vm-2']);
  });

  it('parses a message whose last record has no closing %%', () => {
    expect(parseApelMessage(HEADER + MINIMAL)).toHaveLength(1);
  });

  it('splits on %% anywhere, even inside a value', () => {
    const text = msg(`${MINIMAL}\nMachineName: vm%%1`);
    expectRejected(text, 'Record 2: Record contains a line without a key-value pair: 1');
    // when the remainder happens to look like a record, the value is simply cut
    const cut = parseApelMessage(`${HEADER}${MINIMAL}\nMachineName: vm%%${MINIMAL.replace('vm-1', 'vm-9')}`);
    expect(cut.map((r) => [r.vmUuid, r.machineName])).toEqual([
      ['vm-1', 'vm'],
      ['vm-9', 'None'],
    ]);
  });

  it('splits records separated by %% on the same line as a value', () => {
    expect(parseApelMessage(`${HEADER}${MINIMAL}%%${MINIMAL}%%`)).toHaveLength(2);
  });

  it('numbers records from 1 counting only non-empty chunks', () => {
    const text = `${HEADER}%%\n%%\n${MINIMAL}\n%%\n%%\nVMUUID: vm-2\nSiteName: S\nStartTime: 1\nWallDuration: x\n%%`;
    expectRejected(text, 'Record 2: Invalid int value x in field WallDuration');
  });
});

describe('parseApelMessage: every §1.3 error message', () => {
  it('Message is empty.', () => {
    expectRejected('', 'Message is empty.');
    expectRejected(' \r\n\t\n  ', 'Message is empty.');
  });

  it('Message header is incorrect', () => {
    expectRejected('APEL-cloud-message v0.4\nVMUUID: x', 'Message header is incorrect: APEL-cloud-message v0.4');
    expectRejected('hello', 'Message header is incorrect: hello');
  });

  it('Message type not recognised', () => {
    expectRejected(`APEL-summary-job-message: v0.2\n${MINIMAL}`, 'Message type APEL-summary-job-message not recognised.');
    expectRejected(`apel-cloud-message: v0.4\n${MINIMAL}`, 'Message type apel-cloud-message not recognised.');
    expectRejected(`VMUUID: vm-1\nSiteName: SITE`, 'Message type VMUUID not recognised.');
    expectRejected(`: v0.4\n${MINIMAL}`, 'Message type  not recognised.');
  });

  it('Message contains no records.', () => {
    expectRejected('APEL-cloud-message: v0.4', 'Message contains no records.');
    expectRejected('APEL-cloud-message: v0.4\n%%\n  \n%%\n%%', 'Message contains no records.');
  });

  it('Record contains a line without a key-value pair', () => {
    expectRejected(
      msg(MINIMAL, `${MINIMAL}\nthis line has no colon`),
      'Record 2: Record contains a line without a key-value pair: this line has no colon',
    );
    // a blank line inside a record is such a line too
    expectRejected(msg(`VMUUID: vm-1\n\nSiteName: SITE`), 'Record 1: Record contains a line without a key-value pair: ');
  });

  it('Unknown field, including VO, VOGroup and VORole, with case-sensitive keys', () => {
    expectRejected(msg(`${MINIMAL}\nVO: ops`), 'Record 1: Unknown field: VO');
    expectRejected(msg(`${MINIMAL}\nVOGroup: /ops`), 'Record 1: Unknown field: VOGroup');
    expectRejected(msg(MINIMAL, `${MINIMAL}\nVORole: Role=NULL`), 'Record 2: Unknown field: VORole');
    expectRejected(msg(`${MINIMAL}\nsitename: x`), 'Record 1: Unknown field: sitename');
    expectRejected(msg(`${MINIMAL}\nUpdatetime: 1`), 'Record 1: Unknown field: Updatetime');
    expectRejected(msg(`${MINIMAL}\nconstructor: x`), 'Record 1: Unknown field: constructor');
    expectRejected(msg(`${MINIMAL}\n: orphan value`), 'Record 1: Unknown field: ');
  });

  it('Invalid int value', () => {
    expectRejected(
      msg(MINIMAL, MINIMAL, MINIMAL.replace('WallDuration: 10', 'WallDuration: abc')),
      'Record 3: Invalid int value abc in field WallDuration',
    );
    for (const bad of ['1.5', '1e3', '0x10', '12abc', '- 1', '99999999999999999999']) {
      expectRejected(msg(`${MINIMAL}\nMemory: ${bad}`), `Record 1: Invalid int value ${bad} in field Memory`);
    }
    expectRejected(msg(`${MINIMAL}\nSuspendDuration: ten`), 'Record 1: Invalid int value ten in field SuspendDuration');
    expectRejected(msg(`${MINIMAL}\nPublicIPCount: many`), 'Record 1: Invalid int value many in field PublicIPCount');
  });

  it('accepts signed and zero-padded ints', () => {
    const r = one('Memory: +007\nDisk: -3\nCpuCount: -0');
    expect([r.memory, r.disk, r.cpuCount]).toEqual([7, -3, 0]);
    expect(Object.is(r.cpuCount, -0)).toBe(false);
  });

  it('Invalid float value', () => {
    for (const bad of ['fast', '1,5', 'NaN', 'Infinity', '1e999', '0x1']) {
      expectRejected(msg(`${MINIMAL}\nBenchmark: ${bad}`), `Record 1: Invalid float value ${bad} in field Benchmark`);
    }
    expect(one('Benchmark: 7').benchmark).toBe(7);
    expect(one('Benchmark: -.5').benchmark).toBe(-0.5);
    expect(one('Benchmark: 1.5e2').benchmark).toBe(150);
  });

  it('Invalid datetime value', () => {
    for (const bad of [
      'yesterday',
      '2016-07-30 10:00:00',
      '2016-07-30T10:00:00',
      '2016-07-30T10:00:00+00:00',
      '2016-02-30T00:00:00Z',
      '2016-07-30T24:00:00Z',
      '2016-7-3T1:2:3Z',
      '1.5',
      '99999999999999',
    ]) {
      expectRejected(msg(MINIMAL.replace('StartTime: 1000', `StartTime: ${bad}`)), `Record 1: Invalid datetime value ${bad} in field StartTime`);
    }
    expectRejected(msg(`${MINIMAL}\nEndTime: soon`), 'Record 1: Invalid datetime value soon in field EndTime');
  });

  it('accepts both datetime forms as UTC', () => {
    expect(one('EndTime: 2016-07-30T10:00:00Z').endTime).toEqual(new Date(Date.UTC(2016, 6, 30, 10)));
    expect(one('EndTime: 1469872800').endTime).toEqual(new Date(Date.UTC(2016, 6, 30, 10)));
    expect(one('EndTime: 2016-02-29T23:59:59Z').endTime?.toISOString()).toBe('2016-02-29T23:59:59.000Z');
    expect(one('EndTime: 0').endTime?.getTime()).toBe(0);
  });

  it('Mandatory field not specified', () => {
    expectRejected(msg('SiteName: SITE\nStartTime: 1\nWallDuration: 1'), 'Record 1: Mandatory field VMUUID not specified.');
    expectRejected(msg(MINIMAL, 'VMUUID: vm-2\nStartTime: 1\nWallDuration: 1'), 'Record 2: Mandatory field SiteName not specified.');
  });

  it('NULL in mandatory field', () => {
    expectRejected(msg(MINIMAL.replace('VMUUID: vm-1', 'VMUUID: NULL')), 'Record 1: NULL in mandatory field: VMUUID');
    expectRejected(msg(MINIMAL.replace('SiteName: SITE', 'SiteName:')), 'Record 1: NULL in mandatory field: SiteName');
    expectRejected(msg(MINIMAL.replace('StartTime: 1000', 'StartTime: none')), 'Record 1: NULL in mandatory field: StartTime');
    expectRejected(msg('VMUUID: vm-1\nSiteName: SITE\nWallDuration: 1'), 'Record 1: NULL in mandatory field: StartTime');
  });

  it('WallDuration must be set unless Status is completed and EndTime is set', () => {
    const message = 'Record 1: WallDuration must be set unless Status is completed and EndTime is set.';
    const base = 'VMUUID: vm-1\nSiteName: SITE\nStartTime: 1000';
    expectRejected(msg(base), message);
    expectRejected(msg(`${base}\nStatus: started\nEndTime: 2000\nWallDuration: NULL`), message);
    expectRejected(msg(`${base}\nStatus: completed\nEndTime: NULL`), message);
    expectRejected(msg(`${base}\nStatus: Completed\nEndTime: 2000`), message);
  });

  it('checks fields in message order and the mandatory fields after types', () => {
    expectRejected(msg('SiteName: S\nMemory: x\nStartTime: y'), 'Record 1: Invalid datetime value y in field StartTime');
    expectRejected(msg('SiteName: S\nMemory: x'), 'Record 1: Invalid int value x in field Memory');
  });

  it('rejects the whole message for one bad record', () => {
    expectRejected(msg(MINIMAL, MINIMAL, `${MINIMAL}\nCpuCount: two`), 'Record 3: Invalid int value two in field CpuCount');
  });
});

describe('parseApelMessage: nulls and defaults', () => {
  it('treats empty, NULL and None in any case as null', () => {
    for (const token of ['', 'NULL', 'null', 'Null', 'None', 'NONE', 'none', 'nOnE']) {
      const r = one(`MachineName: ${token}\nMemory: ${token}\nEndTime: ${token}\nBenchmark: ${token}\nSuspendDuration: ${token}`);
      expect([r.machineName, r.memory, r.endTime, r.benchmark, r.suspendDuration]).toEqual(['None', null, null, 0, 0]);
    }
  });

  it('stores absent and null strings as the literal None', () => {
    const r = one('');
    for (const key of [
      'cloudComputeService',
      'machineName',
      'localUserId',
      'localGroupId',
      'globalUserName',
      'fqan',
      'vo',
      'voGroup',
      'voRole',
      'status',
      'networkType',
      'benchmarkType',
      'storageRecordId',
      'imageId',
      'cloudType',
    ] as const) {
      expect(r[key]).toBe('None');
    }
    for (const key of ['endTime', 'cpuDuration', 'cpuCount', 'networkInbound', 'networkOutbound', 'publicIpCount', 'memory', 'disk'] as const) {
      expect(r[key]).toBeNull();
    }
    expect(r.suspendDuration).toBe(0);
    expect(r.benchmark).toBe(0);
  });

  it('keeps values that only resemble null tokens', () => {
    expect(one('MachineName: nil\nNetworkType: NULLS').machineName).toBe('nil');
  });

  it('derives WallDuration from EndTime - StartTime in seconds for a completed VM', () => {
    const base = 'VMUUID: vm-1\nSiteName: SITE\nStatus: completed';
    const [a] = parseApelMessage(msg(`${base}\nStartTime: 2016-07-30T00:00:00Z\nEndTime: 2016-07-31T11:59:59Z`));
    expect(a.wallDuration).toBe(129599);
    // the original subtracted YYYYMMDDhhmmss digits: 20160801000000 - 20160731235959 = 764041
    const [b] = parseApelMessage(msg(`${base}\nStartTime: 2016-07-31T23:59:59Z\nEndTime: 2016-08-01T00:00:00Z\nWallDuration: None`));
    expect(b.wallDuration).toBe(1);
    const [c] = parseApelMessage(msg(`${base}\nStartTime: 1000\nEndTime: 5000\nWallDuration: 42`));
    expect(c.wallDuration).toBe(42);
  });
});

describe('parseFqan (§1.6)', () => {
  it.each([
    ['/ops/Role=NULL/Capability=NULL', 'ops', '/ops', 'Role=NULL'],
    ['/atlas/uk/Role=production', 'atlas', '/atlas/uk', 'Role=production'],
    ['/atlas/uk/Role=production;/atlas/Role=NULL/Capability=NULL', 'atlas', '/atlas/uk', 'Role=production'],
    ['/cms/ROLE=pilot/Capability=NULL', 'cms', '/cms', 'ROLE=pilot'],
    ['/vo.example.org/group/sub', 'vo.example.org', '/vo.example.org/group/sub', 'None'],
    ['/dteam', 'dteam', '/dteam', 'None'],
    ['fedcloud.egi.eu', 'fedcloud.egi.eu', 'None', 'None'],
    ['ops;/other', 'ops', 'None', 'None'],
  ])('%s → %s, %s, %s', (fqan, vo, voGroup, voRole) => {
    expect(parseFqan(fqan)).toEqual({ vo, voGroup, voRole });
    expect(one(`FQAN: ${fqan}`)).toMatchObject({ fqan, vo, voGroup, voRole });
  });

  it('gives None for everything when the FQAN is null', () => {
    expect(parseFqan(null)).toEqual({ vo: 'None', voGroup: 'None', voRole: 'None' });
    expect(one('FQAN: NULL')).toMatchObject({ fqan: 'None', vo: 'None', voGroup: 'None', voRole: 'None' });
  });
});

describe('parseApelMessage: size', () => {
  it('parses a 10,000-record message', () => {
    const parts: string[] = ['APEL-cloud-message: v0.4'];
    for (let i = 1; i <= 10_000; i++) {
      parts.push(
        [
          `VMUUID: ${1559818218 + i}-CESGA-one-${i}`,
          'SiteName: CESGA',
          'CloudComputeService: OpenNebula-compute',
          `MachineName: one-${i}`,
          'LocalUserId: 19',
          'LocalGroupId: 101',
          'GlobalUserName: /DC=es/DC=irisgrid/O=cesga/CN=javier-cacheiro',
          'FQAN: /fedcloud.egi.eu/Role=NULL/Capability=NULL',
          'Status: started',
          `StartTime: ${1559818218 + i}`,
          'EndTime: NULL',
          'SuspendDuration: NULL',
          `WallDuration: ${i * 60}`,
          `CpuDuration: ${i * 30}`,
          'CpuCount: 2',
          'NetworkType: NULL',
          'NetworkInbound: 0',
          'NetworkOutbound: 0',
          'PublicIPCount: 1',
          'Memory: 2048',
          'Disk: 20',
          'BenchmarkType: HEPSPEC06',
          'Benchmark: 10.25',
          'StorageRecordId: NULL',
          'ImageId: https://appdb.egi.eu/store/vo/image/2c24de6c-e385-4e5d-a6b9-b6e5bff7e7f5:1234/',
          'CloudType: OpenNebula',
          '%%',
        ].join('\n'),
      );
    }
    const text = parts.join('\n');
    expect(text.length).toBeGreaterThan(5_000_000);
    const records = parseApelMessage(text);
    expect(records).toHaveLength(10_000);
    const last = records[9_999];
    expect(last.vmUuid).toBe('1559828218-CESGA-one-10000');
    expect(last.wallDuration).toBe(600_000);
    expect(last.startTime).toEqual(new Date(1559828218 * 1000));
  });
});
