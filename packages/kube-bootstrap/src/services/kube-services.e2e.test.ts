/**
 * End to end: KubeServicesClient against a real kube-apiserver (etcd + apiserver from the
 * component cache, throwaway CA). Services, Nodes, EndpointSlices and Secrets are written as a
 * cluster would hold them; every port method is exercised and read back from the API.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Cluster } from '@berth/api-types';
import { SERVICE_FINALIZER, type ServiceRef } from '@berth/controller-ports';
import { KubeApiError, PatchStrategy, type KubeClient } from '../kube-client.js';
import { kubeObjects } from '../testing/kube-objects.js';
import { startTestApiserver } from '../testing/test-apiserver.js';
import { KubeClusterServices } from './kube-cluster-services.js';
import { EVENT_SOURCE, KubeServicesClient } from './kube-services-client.js';

const never = new AbortController().signal;
const b64 = (s: string) => Buffer.from(s).toString('base64');

interface ServiceRead {
  metadata: { uid: string; finalizers?: string[]; deletionTimestamp?: string };
  status?: { loadBalancer?: { ingress?: { ip: string }[] } };
}

test('KubeServicesClient reads and writes what the Service controller needs', async (t) => {
  const server = await startTestApiserver((line) => t.diagnostic(line));
  t.after(() => server.stop());
  const { api } = server;
  try {
    await seed(api);
    const services = new KubeClusterServices({ connect: () => Promise.resolve({ api }) });
    const connected = await services.connect({} as Cluster, '10.0.0.5', never);
    assert.ok('client' in connected);
    const client = connected.client;
    assert.ok(client instanceof KubeServicesClient);

    const listed = await client.listServices(never);
    assert.deepEqual(listed.map((s) => s.name).sort(), ['front', 'local'], 'only LoadBalancer');
    const front = listed.find((s) => s.name === 'front')!;
    assert.equal(front.namespace, 'web');
    assert.equal(front.annotations['loadbalancer.berth.dev/internal'], 'true');
    assert.equal(front.externalTrafficPolicy, 'Cluster');
    assert.deepEqual(front.sourceRanges, ['192.0.2.0/24']);
    assert.deepEqual(listed.find((s) => s.name === 'local')!.sourceRanges, []);
    assert.deepEqual(
      front.ports.map((p) => [p.port, p.protocol, typeof p.nodePort]),
      [
        [80, 'TCP', 'number'],
        [443, 'TCP', 'number'],
      ],
    );
    assert.ok(front.ports.every((p) => p.nodePort! >= 30000 && p.nodePort! <= 32767));
    assert.deepEqual([front.hasFinalizer, front.deleting, front.ingressIps], [false, false, []]);
    assert.equal(listed.find((s) => s.name === 'local')!.externalTrafficPolicy, 'Local');

    assert.deepEqual(
      (await client.listNodes(never)).sort((a, b) => a.name.localeCompare(b.name)),
      [
        {
          name: 'n1',
          internalIp: '10.0.0.20',
          ready: true,
          excluded: false,
          podCidrs: ['10.100.1.0/24'],
        },
        { name: 'n2', internalIp: '10.0.0.21', ready: false, excluded: false, podCidrs: [] },
        { name: 'n3', ready: true, excluded: true, podCidrs: [] },
      ],
    );
    const local = listed.find((s) => s.name === 'local')!;
    assert.deepEqual([...(await client.endpointNodeNames(local, never))].sort(), ['n1', 'n3']);
    assert.deepEqual([...(await client.endpointNodeNames(front, never))], []);

    assert.deepEqual(await client.getTlsSecret('web', 'cert', never), {
      certificatePem: 'CERT',
      privateKeyPem: 'KEY',
    });
    assert.equal(await client.getTlsSecret('web', 'opaque', never), undefined, 'wrong type');
    assert.equal(await client.getTlsSecret('web', 'absent', never), undefined);

    await client.setIngress(front, ['192.0.2.10'], never);
    assert.deepEqual(
      (await read(api, front)).status?.loadBalancer?.ingress?.map((i) => i.ip),
      ['192.0.2.10'],
    );
    const stale: ServiceRef = { ...front, uid: '00000000-0000-0000-0000-000000000000' };
    await assert.rejects(client.setIngress(stale, [], never), KubeApiError, 'uid guards writes');

    await client.addFinalizer(front, never);
    await client.addFinalizer(front, never);
    assert.deepEqual((await read(api, front)).metadata.finalizers, [SERVICE_FINALIZER]);
    const plain = {
      namespace: 'web',
      name: 'plain',
      uid: (await read(api, { namespace: 'web', name: 'plain' })).metadata.uid,
    };
    await client.addFinalizer(plain, never);
    const again = await client.listServices(never);
    assert.ok(
      again.some((s) => s.name === 'plain' && s.hasFinalizer),
      'finalizer keeps it listed',
    );
    assert.deepEqual(again.find((s) => s.name === 'front')!.ingressIps, ['192.0.2.10']);

    await client.recordEvent(
      front,
      { type: 'Warning', reason: 'TestReason', message: 'hello' },
      never,
    );
    const events = await kubeObjects(api).list<{
      reason: string;
      type: string;
      message: string;
      source: { component: string };
      involvedObject: { name: string; uid: string };
    }>('v1', 'Event', 'web');
    const event = events.find((e) => e.reason === 'TestReason')!;
    assert.deepEqual(
      [
        event.type,
        event.message,
        event.source.component,
        event.involvedObject.name,
        event.involvedObject.uid,
      ],
      ['Warning', 'hello', EVENT_SOURCE, 'front', front.uid],
    );

    await client.setIngress(front, [], never);
    assert.equal((await read(api, front)).status?.loadBalancer?.ingress, undefined, 'cleared');
    await kubeObjects(api).delete('v1', 'Service', 'web', 'front');
    const deleting = (await client.listServices(never)).find((s) => s.name === 'front')!;
    assert.equal(deleting.deleting, true, 'the finalizer holds the Service');
    await client.removeFinalizer(front, never);
    assert.equal(await kubeObjects(api).read('v1', 'Service', 'web', 'front'), undefined, 'gone');
    await client.removeFinalizer(front, never);
    await client.setIngress(front, ['192.0.2.11'], never);
  } catch (err) {
    t.diagnostic(`kube-apiserver log tail:\n${server.logTail()}`);
    throw err;
  }
});

async function read(
  api: KubeClient,
  ref: { namespace: string; name: string },
): Promise<ServiceRead> {
  const found = await kubeObjects(api).read<ServiceRead>('v1', 'Service', ref.namespace, ref.name);
  assert.ok(found, `service ${ref.namespace}/${ref.name}`);
  return found;
}

async function seed(api: KubeClient): Promise<void> {
  const { create } = kubeObjects(api);
  await create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } });
  const now = new Date().toISOString();
  const nodes: {
    name: string;
    ip: string | undefined;
    ready: string;
    labels: Record<string, string>;
    podCidr: string | undefined;
  }[] = [
    {
      name: 'n1',
      ip: '10.0.0.20',
      ready: 'True',
      labels: {},
      podCidr: '10.100.1.0/24',
    },
    { name: 'n2', ip: '10.0.0.21', ready: 'False', labels: {}, podCidr: undefined },
    {
      name: 'n3',
      ip: undefined,
      ready: 'True',
      podCidr: undefined,
      labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': '' },
    },
  ];
  for (const n of nodes) {
    await create({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: n.name, labels: n.labels },
      ...(n.podCidr === undefined ? {} : { spec: { podCIDR: n.podCidr, podCIDRs: [n.podCidr] } }),
    });
    const status = {
      addresses: n.ip === undefined ? [] : [{ type: 'InternalIP', address: n.ip }],
      conditions: [
        {
          type: 'Ready',
          status: n.ready,
          reason: 'Test',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        },
      ],
    };
    await api.call(
      `status of ${n.name}`,
      (k) => k.core.patchNodeStatus({ name: n.name, body: { status } }),
      { patch: PatchStrategy.MergePatch },
    );
  }
  const ports = [
    { name: 'http', port: 80, protocol: 'TCP' },
    { name: 'https', port: 443, protocol: 'TCP' },
  ];
  const service = (metadata: Record<string, unknown>, spec: Record<string, unknown>) =>
    create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { namespace: 'web', ...metadata },
      spec,
    });
  await service(
    { name: 'front', annotations: { 'loadbalancer.berth.dev/internal': 'true' } },
    {
      type: 'LoadBalancer',
      selector: { app: 'front' },
      ports,
      loadBalancerSourceRanges: ['192.0.2.0/24'],
    },
  );
  await service(
    { name: 'local' },
    { type: 'LoadBalancer', externalTrafficPolicy: 'Local', selector: { app: 'l' }, ports },
  );
  await service({ name: 'plain' }, { type: 'ClusterIP', selector: { app: 'p' }, ports });
  await create({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'local-abc',
      namespace: 'web',
      labels: { 'kubernetes.io/service-name': 'local' },
    },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: [
      { addresses: ['10.100.1.1'], nodeName: 'n1', conditions: { ready: true } },
      { addresses: ['10.100.2.1'], nodeName: 'n2', conditions: { ready: false } },
      { addresses: ['10.100.3.1'], nodeName: 'n3' },
    ],
  });
  for (const [name, type] of [
    ['cert', 'kubernetes.io/tls'],
    ['opaque', 'Opaque'],
  ])
    await create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace: 'web' },
      type,
      data: { 'tls.crt': b64('CERT'), 'tls.key': b64('KEY') },
    });
}
