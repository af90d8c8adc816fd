import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Listener, LoadBalancer, Member, Pool } from '@berth/provider-api';
import { parseServerStats } from '../../lb/haproxy-stats.js';
import {
  amphoraUserData,
  haproxySpec,
  tlsBundle,
  virtualRouterId,
  type LbRecords,
} from './lb-config.js';
import { memberOperating, rollUp } from './lb-views.js';

const statuses = { provisioningStatus: 'ACTIVE' as const, operatingStatus: 'ONLINE' as const };
const meta = { tags: {}, createdAt: '' };
const lb: LoadBalancer = {
  ...meta,
  ...statuses,
  id: 'lb1',
  name: 'api',
  vipNetworkId: 'n',
  vipSubnetId: 's',
  vipAddress: '10.0.0.100',
  vipPortId: 'p',
  topology: 'ACTIVE_STANDBY',
  listenerIds: [],
  poolIds: [],
};
const listener: Listener = {
  ...meta,
  ...statuses,
  id: 'l1',
  name: 'l',
  loadBalancerId: 'lb1',
  protocol: 'TERMINATED_HTTPS',
  protocolPort: 443,
  defaultPoolId: 'p1',
  allowedCidrs: ['10.0.0.0/8'],
  connectionLimit: null,
  timeoutClientDataMs: 1000,
  timeoutMemberDataMs: 2000,
  insertHeaders: { xForwardedFor: true, xForwardedProto: false },
  tlsCertificatePem: 'C',
};
const pool: Pool = {
  ...meta,
  ...statuses,
  id: 'p1',
  name: 'p',
  loadBalancerId: 'lb1',
  listenerId: 'l1',
  protocol: 'PROXYV2',
  lbAlgorithm: 'SOURCE_IP',
  sessionPersistence: 'NONE',
  memberIds: [],
  healthMonitorId: null,
};
const member: Member = {
  ...meta,
  ...statuses,
  id: 'm1',
  name: 'm',
  poolId: 'p1',
  address: '10.0.0.5',
  protocolPort: 80,
  weight: 3,
  subnetId: null,
  backup: false,
};
const records: LbRecords = {
  lb,
  listeners: [
    { listener, tls: { certificatePem: 'CERT', privateKeyPem: 'KEY', chainPem: 'CHAIN' } },
  ],
  pools: [pool],
  members: [member],
  monitors: [],
};

test('records map onto the HAProxy spec', () => {
  const spec = haproxySpec(records, '/amp/root');
  assert.deepEqual(spec.listeners[0], {
    id: 'l1',
    protocol: 'TERMINATED_HTTPS',
    port: 443,
    defaultPoolId: 'p1',
    certificatePath: '/amp/root/certs/l1.pem',
    allowedCidrs: ['10.0.0.0/8'],
    timeoutClientMs: 1000,
    timeoutMemberDataMs: 2000,
    forwardedFor: true,
    forwardedProto: false,
  });
  assert.deepEqual(spec.pools[0]?.members, [
    { id: 'm1', address: '10.0.0.5', port: 80, weight: 3, backup: false },
  ]);
  assert.match(spec.statsSocketPath, /^\/run\/berth\/amp-[0-9a-f]{16}\.sock$/);
  assert.equal(tlsBundle({ certificatePem: 'A\n', privateKeyPem: 'B' }), 'A\nB\n');
});

test('an ACTIVE_STANDBY amphora gets keepalived with its peer; the key file is private', () => {
  const data = amphoraUserData(records, {
    amphora: { id: 'a1', portId: 'x', ip: '10.0.0.11', role: 'BACKUP' },
    rootDir: '/amp/root',
    vipPrefix: 24,
    peers: ['10.0.0.12'],
  });
  assert.deepEqual(
    data.services?.map((s) => [s.name, s.stopFirst === true]),
    [
      ['haproxy', false],
      ['keepalived', true],
    ],
    'keepalived stops (handing the VIP over) before HAProxy',
  );
  const conf = data.files?.find((f) => f.path === 'keepalived.conf')?.content ?? '';
  assert.match(conf, /unicast_src_ip 10\.0\.0\.11/);
  assert.match(conf, /10\.0\.0\.12/);
  assert.match(conf, /10\.0\.0\.100\/24 dev eth0/);
  assert.match(conf, /priority 90/);
  assert.equal(data.files?.find((f) => f.path === 'certs/l1.pem')?.mode, 0o600);
  const single = amphoraUserData(
    { ...records, lb: { ...lb, topology: 'SINGLE' } },
    {
      amphora: { id: 'a1', portId: 'x', ip: '10.0.0.11', role: 'SINGLE' },
      rootDir: '/r',
      vipPrefix: 24,
      peers: [],
    },
  );
  assert.deepEqual(
    single.services?.map((s) => s.name),
    ['haproxy'],
  );
  const id = virtualRouterId('lb1');
  assert.ok(id >= 1 && id <= 255 && id === virtualRouterId('lb1'));
});

test('member and roll-up statuses follow Octavia', () => {
  const health = new Map([
    ['m1', 'UP'],
    ['m2', 'DOWN 1/2'],
    ['m3', 'MAINT'],
  ]);
  assert.equal(memberOperating(member, false, health), 'NO_MONITOR');
  assert.equal(memberOperating(member, true, health), 'ONLINE');
  assert.equal(memberOperating({ ...member, id: 'm2' }, true, health), 'ERROR');
  assert.equal(memberOperating({ ...member, id: 'm3' }, true, health), 'OFFLINE');
  assert.equal(memberOperating({ ...member, id: 'm9' }, true, health), 'OFFLINE');
  assert.equal(rollUp([]), 'ONLINE');
  assert.equal(rollUp(['ONLINE', 'ERROR']), 'DEGRADED');
  assert.equal(rollUp(['ERROR', 'ERROR']), 'ERROR');
});

test('show stat CSV: server rows only', () => {
  const csv = [
    '# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status',
    'l1,FRONTEND,,,0,0,4096,0,0,0,0,0,0,,,,,OPEN',
    'p1:l1,m1,0,0,2,1,,1,0,0,,0,,0,0,0,0,UP',
    'p1:l1,BACKEND,0,0,0,1,410,1,0,0,0,0,,0,0,0,0,UP',
  ].join('\n');
  assert.deepEqual(parseServerStats(csv), [
    { backend: 'p1:l1', name: 'm1', status: 'UP', currentSessions: 2 },
  ]);
});
