import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desiredLoadBalancer, parseAnnotations, ServiceAnnotations as A } from './desired.js';
import type { ClusterNode, ClusterService } from '@berth/controller-ports';

function service(fields: Partial<ClusterService> = {}): ClusterService {
  return {
    namespace: 'web',
    name: 'front',
    uid: 'u1',
    type: 'LoadBalancer',
    annotations: {},
    ports: [
      { protocol: 'TCP', port: 80, nodePort: 30080 },
      { protocol: 'TCP', port: 443, nodePort: 30443 },
    ],
    externalTrafficPolicy: 'Cluster',
    sourceRanges: [],
    hasFinalizer: true,
    deleting: false,
    ingressIps: [],
    ...fields,
  };
}

test('annotations parse into load-balancer options', () => {
  const cases: { annotations: Record<string, string>; options: unknown }[] = [
    { annotations: {}, options: { internal: false } },
    { annotations: { [A.internal]: 'true' }, options: { internal: true } },
    { annotations: { [A.internal]: 'false' }, options: { internal: false } },
    {
      annotations: { [A.proxyProtocol]: 'v1' },
      options: { internal: false, proxyProtocol: 'PROXY' },
    },
    {
      annotations: { [A.proxyProtocol]: 'v2' },
      options: { internal: false, proxyProtocol: 'PROXYV2' },
    },
    {
      annotations: { [A.tlsSecret]: 'cert', [A.tlsPorts]: '443, 443' },
      options: { internal: false, tls: { secretName: 'cert', ports: [443] } },
    },
    {
      annotations: { [A.tlsSecret]: 'cert', [A.tlsPorts]: '80,443' },
      options: { internal: false, tls: { secretName: 'cert', ports: [80, 443] } },
    },
    {
      annotations: { [A.tlsSecret]: 'cert', [A.tlsPorts]: '443', [A.httpPorts]: '80' },
      options: { internal: false, tls: { secretName: 'cert', ports: [443] }, httpPorts: [80] },
    },
  ];
  for (const c of cases) {
    assert.deepEqual(parseAnnotations(service({ annotations: c.annotations })), {
      options: c.options,
    });
  }
});

test('bad annotation values are reported, each with the annotation it concerns', () => {
  const cases: { annotations: Record<string, string>; mentions: string[] }[] = [
    { annotations: { [A.internal]: 'yes' }, mentions: [A.internal, '"yes"'] },
    { annotations: { [A.proxyProtocol]: 'v3' }, mentions: [A.proxyProtocol, '"v3"'] },
    { annotations: { [A.tlsPorts]: '443' }, mentions: [A.tlsSecret] },
    { annotations: { [A.tlsSecret]: 'cert' }, mentions: [A.tlsPorts] },
    { annotations: { [A.tlsSecret]: 'cert', [A.tlsPorts]: '8443' }, mentions: ['"8443"'] },
    { annotations: { [A.tlsSecret]: 'cert', [A.tlsPorts]: 'https' }, mentions: ['"https"'] },
    {
      annotations: { [A.internal]: '1', [A.proxyProtocol]: 'v9' },
      mentions: [A.internal, A.proxyProtocol],
    },
    { annotations: { [A.httpPorts]: '8080' }, mentions: [A.httpPorts, '"8080"'] },
    {
      annotations: { [A.tlsSecret]: 'cert', [A.tlsPorts]: '443', [A.httpPorts]: '80,443' },
      mentions: [A.httpPorts, 'port 443 is a TLS port too'],
    },
  ];
  for (const c of cases) {
    const parsed = parseAnnotations(service({ annotations: c.annotations }));
    assert.ok('problems' in parsed, JSON.stringify(c.annotations));
    const text = parsed.problems.join('\n');
    for (const m of c.mentions) assert.ok(text.includes(m), `${text} mentions ${m}`);
  }
});

const nodes: ClusterNode[] = [
  { name: 'a', internalIp: '10.0.0.20', ready: true, excluded: false, podCidrs: [] },
  { name: 'b', internalIp: '10.0.0.21', ready: true, excluded: false, podCidrs: [] },
  { name: 'c', internalIp: '10.0.0.22', ready: false, excluded: false, podCidrs: [] },
  { name: 'd', ready: true, excluded: false, podCidrs: [] },
  { name: 'e', internalIp: '10.0.0.24', ready: true, excluded: true, podCidrs: [] },
];

test('members are the Ready, addressed, not excluded nodes; Local keeps those with endpoints', () => {
  const cluster = desiredLoadBalancer(service(), { internal: false }, nodes, undefined);
  assert.deepEqual(cluster.memberAddresses, ['10.0.0.20', '10.0.0.21']);
  const local = desiredLoadBalancer(
    service({ externalTrafficPolicy: 'Local' }),
    { internal: false },
    nodes,
    new Set(['b', 'c']),
  );
  assert.deepEqual(local.memberAddresses, ['10.0.0.21']);
});

test('listener and pool protocols follow TLS ports, HTTP ports and PROXY protocol', () => {
  const cases = [
    { options: { internal: false }, want: ['80 TCP/TCP', '443 TCP/TCP'] },
    {
      options: { internal: false, proxyProtocol: 'PROXYV2' as const },
      want: ['80 TCP/PROXYV2', '443 TCP/PROXYV2'],
    },
    {
      options: { internal: false, tls: { secretName: 's', ports: [443] } },
      want: ['80 TCP/TCP', '443 TERMINATED_HTTPS/HTTP'],
    },
    {
      options: {
        internal: false,
        proxyProtocol: 'PROXY' as const,
        tls: { secretName: 's', ports: [443] },
      },
      want: ['80 TCP/PROXY', '443 TERMINATED_HTTPS/PROXY'],
    },
    {
      options: { internal: false, tls: { secretName: 's', ports: [443] }, httpPorts: [80] },
      want: ['80 HTTP/HTTP', '443 TERMINATED_HTTPS/HTTP'],
    },
  ];
  for (const c of cases) {
    const d = desiredLoadBalancer(service(), c.options, nodes, undefined);
    assert.deepEqual(
      d.listeners.map((l) => `${l.port} ${l.listenerProtocol}/${l.poolProtocol}`),
      c.want,
    );
    assert.deepEqual(
      d.listeners.map((l) => l.nodePort),
      [30080, 30443],
    );
  }
});

test('ports that cannot be balanced are skipped and reported', () => {
  const d = desiredLoadBalancer(
    service({
      ports: [
        { protocol: 'UDP', port: 53, nodePort: 30053 },
        { protocol: 'TCP', port: 80 },
        { protocol: 'TCP', port: 8080, nodePort: 31000 },
      ],
    }),
    { internal: false },
    nodes,
    undefined,
  );
  assert.deepEqual(
    d.listeners.map((l) => l.port),
    [8080],
  );
  assert.equal(d.skipped.length, 2);
  assert.match(d.skipped.join(';'), /53\/UDP/);
});
