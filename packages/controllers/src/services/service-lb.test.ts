/**
 * The Service load-balancer reconciler against the memory provider (a real Running cluster made
 * by the cluster controllers) with a fake cluster API: what a Service's load balancer looks like.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceAnnotations as A } from './desired.js';
import { harness, inCidr, never, PEM } from '../testing/service-lb-harness.js';

test('a LoadBalancer Service gets an ACTIVE_STANDBY load balancer, members and a floating IP', async (t) => {
  const h = await harness(t);
  const [a, b] = h.api.nodes.map((n) => n.internalIp!).sort();
  const svc = h.api.addService('web', {
    ports: [
      { protocol: 'TCP', port: 80, nodePort: 30080 },
      { protocol: 'TCP', port: 443, nodePort: 30443 },
    ],
  });
  await h.pass();
  const view = await h.lbOf(svc.uid);
  assert.ok(view);
  assert.equal(view.topology, 'ACTIVE_STANDBY');
  assert.ok(
    inCidr(view.vipAddress, h.cluster.spec.network.subnetCidr),
    'VIP on the cluster subnet',
  );
  assert.deepEqual(view.listeners, ['80 TCP/TCP', '443 TCP/TCP']);
  assert.deepEqual(view.members, [
    `443→${a}:30443`,
    `443→${b}:30443`,
    `80→${a}:30080`,
    `80→${b}:30080`,
  ]);
  assert.ok(view.fip !== undefined && !inCidr(view.fip, h.cluster.spec.network.subnetCidr));
  const stored = h.api.get('web')!;
  assert.deepEqual(stored.ingressIps, [view.fip]);
  assert.equal(stored.hasFinalizer, true);
  assert.deepEqual(
    h.api.eventsOf('web').map((e) => e.reason),
    ['EnsuredLoadBalancer'],
  );
  await h.pass();
  assert.deepEqual(await h.counts(), { lbs: 1, fips: 1 }, 'a second pass changes nothing');
  assert.equal(h.api.eventsOf('web').length, 1);
});

test('members follow nodes as they come, go ready or not-ready, and leave', async (t) => {
  const h = await harness(t);
  const svc = h.api.addService('web');
  await h.pass();
  const [first, second] = h.api.nodes;
  const ips = () => h.lbOf(svc.uid).then((v) => v!.members.map((m) => m.split('→')[1]));
  assert.equal((await ips()).length, 2);
  h.api.nodes.push({
    name: 'extra',
    internalIp: '10.0.0.200',
    ready: true,
    excluded: false,
    podCidrs: [],
  });
  await h.pass();
  assert.ok((await ips()).includes('10.0.0.200:30080'));
  first!.ready = false;
  await h.pass();
  assert.ok(!(await ips()).includes(`${first!.internalIp}:30080`), 'a NotReady node leaves');
  h.api.nodes = [second!];
  await h.pass();
  assert.deepEqual(await ips(), [`${second!.internalIp}:30080`]);
  h.api.get('web')!.ports = [{ protocol: 'TCP', port: 80, nodePort: 31111 }];
  await h.pass();
  assert.deepEqual(await ips(), [`${second!.internalIp}:31111`], 'a new nodePort replaces members');
});

test('annotations choose internal address, PROXY protocol and TLS termination', async (t) => {
  const h = await harness(t);
  h.api.secrets.set('default/cert', PEM);
  const ports = [
    { protocol: 'TCP', port: 80, nodePort: 30080 },
    { protocol: 'TCP', port: 443, nodePort: 30443 },
  ];
  const cases: { annotations: Record<string, string>; listeners: string[]; fip: boolean }[] = [
    { annotations: { [A.internal]: 'true' }, listeners: ['80 TCP/TCP', '443 TCP/TCP'], fip: false },
    {
      annotations: { [A.proxyProtocol]: 'v1' },
      listeners: ['80 TCP/PROXY', '443 TCP/PROXY'],
      fip: true,
    },
    {
      annotations: { [A.proxyProtocol]: 'v2' },
      listeners: ['80 TCP/PROXYV2', '443 TCP/PROXYV2'],
      fip: true,
    },
    {
      annotations: { [A.tlsSecret]: 'cert', [A.tlsPorts]: '443' },
      listeners: ['80 TCP/TCP', '443 TERMINATED_HTTPS/HTTP +XFF +XFP'],
      fip: true,
    },
    {
      annotations: { [A.tlsSecret]: 'cert', [A.tlsPorts]: '443', [A.httpPorts]: '80' },
      listeners: ['80 HTTP/HTTP +XFF', '443 TERMINATED_HTTPS/HTTP +XFF +XFP'],
      fip: true,
    },
    {
      annotations: {
        [A.tlsSecret]: 'cert',
        [A.tlsPorts]: '443',
        [A.proxyProtocol]: 'v2',
        [A.internal]: 'true',
      },
      listeners: ['80 TCP/PROXYV2', '443 TERMINATED_HTTPS/PROXYV2 +XFF +XFP'],
      fip: false,
    },
  ];
  const made = cases.map((c, i) =>
    h.api.addService(`s${i}`, { annotations: c.annotations, ports }),
  );
  await h.pass();
  for (const [i, c] of cases.entries()) {
    const view = await h.lbOf(made[i]!.uid);
    assert.ok(view, `case ${i}`);
    assert.deepEqual(view.listeners, c.listeners, `case ${i}`);
    assert.equal(view.fip !== undefined, c.fip, `case ${i}: floating IP`);
    const ingress = h.api.get(`s${i}`)!.ingressIps;
    assert.deepEqual(ingress, [c.fip ? view.fip : view.vipAddress], `case ${i}: ingress`);
  }
  // A TLS listener made before the headers were asked for gets them in place, not recreated.
  const lbs = h.world.provider.loadBalancers;
  const tlsLb = (await lbs.list({}, AbortSignal.timeout(5000))).find(
    (lb) => lb.tags['berth.dev/service'] === made[3]!.uid,
  )!;
  const signal = AbortSignal.timeout(5000);
  const [old] = (await lbs.listListeners({ loadBalancerId: tlsLb.id }, signal)).filter(
    (l) => l.protocol === 'TERMINATED_HTTPS',
  );
  const off = { xForwardedFor: false, xForwardedProto: false };
  await lbs.updateListener({ id: old!.id, insertHeaders: off }, signal);
  assert.deepEqual((await h.lbOf(made[3]!.uid))!.listeners, [
    '80 TCP/TCP',
    '443 TERMINATED_HTTPS/HTTP',
  ]);
  await h.pass();
  const [now] = (await lbs.listListeners({ loadBalancerId: tlsLb.id }, signal)).filter(
    (l) => l.protocol === 'TERMINATED_HTTPS',
  );
  assert.equal(now!.id, old!.id, 'the same listener');
  assert.deepEqual(now!.insertHeaders, { xForwardedFor: true, xForwardedProto: true });
  // Changing an annotation changes the load balancer in place: public → internal and back.
  h.api.get('s1')!.annotations = { [A.internal]: 'true' };
  await h.pass();
  let view = (await h.lbOf(made[1]!.uid))!;
  assert.equal(view.fip, undefined, 'the floating IP is released');
  assert.deepEqual(view.listeners, ['80 TCP/TCP', '443 TCP/TCP'], 'pools recreated without PROXY');
  assert.deepEqual(h.api.get('s1')!.ingressIps, [view.vipAddress]);
  h.api.get('s1')!.annotations = {};
  await h.pass();
  view = (await h.lbOf(made[1]!.uid))!;
  assert.deepEqual(h.api.get('s1')!.ingressIps, [view.fip]);
});

test('bad annotations and a missing TLS Secret give one Warning event and leave others alone', async (t) => {
  const h = await harness(t);
  const cases: { annotations: Record<string, string>; reason: string }[] = [
    { annotations: { [A.internal]: 'yes' }, reason: 'InvalidLoadBalancerAnnotation' },
    { annotations: { [A.proxyProtocol]: 'v3' }, reason: 'InvalidLoadBalancerAnnotation' },
    {
      annotations: { [A.tlsSecret]: 'cert', [A.tlsPorts]: '8443' },
      reason: 'InvalidLoadBalancerAnnotation',
    },
    { annotations: { [A.tlsSecret]: 'absent', [A.tlsPorts]: '80' }, reason: 'TlsSecretNotFound' },
  ];
  const bad = cases.map((c, i) => h.api.addService(`bad${i}`, { annotations: c.annotations }));
  const good = h.api.addService('good');
  await h.pass();
  await h.pass();
  for (const [i, c] of cases.entries()) {
    const events = h.api.eventsOf(`bad${i}`);
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.reason}`),
      [`Warning ${c.reason}`],
      `case ${i}: one event over two passes`,
    );
    assert.equal(await h.lbOf(bad[i]!.uid), undefined, `case ${i}: no load balancer`);
  }
  assert.ok(await h.lbOf(good.uid));
  assert.equal(h.api.get('good')!.ingressIps.length, 1);
});

test('loadBalancerSourceRanges limit who every listener admits', async (t) => {
  const h = await harness(t);
  const svc = h.api.addService('ranged', {
    sourceRanges: ['198.51.100.0/24', '192.0.2.0/24'],
    ports: [
      { protocol: 'TCP', port: 80, nodePort: 30080 },
      { protocol: 'TCP', port: 81, nodePort: 30081 },
    ],
  });
  const allowed = async () => {
    const [lb] = await h.world.provider.loadBalancers.list(
      { tags: { 'berth.dev/service': svc.uid } },
      never,
    );
    const listeners = await h.world.provider.loadBalancers.listListeners(
      { loadBalancerId: lb!.id },
      never,
    );
    return listeners.map((l) => [...l.allowedCidrs].sort());
  };
  await h.pass();
  assert.deepEqual(await allowed(), [
    ['192.0.2.0/24', '198.51.100.0/24'],
    ['192.0.2.0/24', '198.51.100.0/24'],
  ]);
  h.api.get('ranged')!.sourceRanges = [];
  await h.pass();
  assert.deepEqual(await allowed(), [[], []], 'an emptied list admits everyone again');
});

test('externalTrafficPolicy Local balances only over nodes with a ready endpoint', async (t) => {
  const h = await harness(t);
  const [a, b] = h.api.nodes;
  const svc = h.api.addService('local', { externalTrafficPolicy: 'Local' });
  h.api.endpoints.set('default/local', new Set([a!.name]));
  await h.pass();
  assert.deepEqual((await h.lbOf(svc.uid))!.members, [`80→${a!.internalIp}:30080`]);
  h.api.endpoints.set('default/local', new Set([b!.name]));
  await h.pass();
  assert.deepEqual((await h.lbOf(svc.uid))!.members, [`80→${b!.internalIp}:30080`]);
});
