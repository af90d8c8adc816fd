/**
 * The CloudProvider service over real gRPC and mutual TLS: the caller's certificate names its
 * cluster, a certificate of another CA gets nothing, Berth errors arrive as gRPC codes, and
 * the messages survive the wire (the real cluster-autoscaler talks to it in the e2e suite).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { BerthError } from '@berth/errors';
import { createCertificateAuthority, issueCertificate } from '@berth/kube-bootstrap';
import type { CloudProviderBackend, TemplateNode } from './backend.js';
import { startCloudProviderServer, type CloudProviderServer } from './grpc-server.js';
import { cloudProviderDefinition } from './service.js';

const calls: string[] = [];
const template: TemplateNode = {
  name: 'template-batch',
  labels: { pool: 'batch', 'topology.kubernetes.io/zone': 'az2' },
  providerID: 'berth://pending/batch/template',
  taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }],
  capacity: { cpu: '2', memory: '4096Mi', pods: '110' },
  allocatable: { cpu: '2', memory: '4096Mi', pods: '110' },
  kubeletVersion: 'v1.34.10',
};
const backend: CloudProviderBackend = {
  nodeGroups: async (c) => {
    calls.push(`nodeGroups ${c}`);
    return [{ id: 'batch', min: 0, max: 3, debug: 'batch' }];
  },
  nodeGroupForNode: async (c, n) => {
    calls.push(`nodeGroupForNode ${c} ${n.providerID}`);
    return n.providerID === 'berth://s1' ? { id: 'batch', min: 0, max: 3, debug: '' } : undefined;
  },
  targetSize: async () => 2,
  increaseSize: async (c, g, d) => {
    if (d > 3) throw new BerthError('BERTH_ERR_INVALID_STATE', `${g} would exceed its max`);
    calls.push(`increase ${c} ${g} ${d}`);
  },
  deleteNodes: async (c, g, nodes) => {
    calls.push(`delete ${c} ${g} ${nodes.map((n) => n.providerID).join(',')}`);
  },
  decreaseTargetSize: async () => {},
  nodes: async () => [
    { id: 'berth://s1', state: 'running' },
    {
      id: 'berth://pending/batch/0',
      state: 'creating',
      error: { code: 'ProviderQuota', message: 'no address', errorClass: 'OutOfResources' },
    },
  ],
  templateNode: async () => template,
  options: async (_c, _g, defaults) => ({ ...defaults, scaleDownUnneededSeconds: 30 }),
  refresh: async () => {},
};

let server: CloudProviderServer;
let ca: { certPem: string; keyPem: string };
const Client = grpc.makeGenericClientConstructor(cloudProviderDefinition(), 'CloudProvider');

async function clientFor(cn: string, authority = ca) {
  const cert = await issueCertificate({ ca: authority, commonName: cn, usage: 'client' });
  // grpc-js (Node's TLS) cannot check an IP address as server name; the Go autoscaler can.
  return new Client(
    server.address.replace('127.0.0.1', 'localhost'),
    grpc.credentials.createSsl(
      Buffer.from(ca.certPem),
      Buffer.from(cert.keyPem),
      Buffer.from(cert.certPem),
    ),
  ) as unknown as Record<
    string,
    (req: object, cb: (err: grpc.ServiceError | null, res: Record<string, unknown>) => void) => void
  > & { close(): void };
}

function call(
  client: Awaited<ReturnType<typeof clientFor>>,
  method: string,
  request: object,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) =>
    client[method]!(request, (err, res) => (err ? reject(err) : resolve(res))),
  );
}

before(async () => {
  ca = await createCertificateAuthority({ commonName: 'test-autoscaler-ca' });
  const serving = await issueCertificate({
    ca,
    commonName: 'berth-cloud-provider',
    usage: 'server',
    ipAddresses: ['127.0.0.1'],
    dnsNames: ['localhost'],
  });
  server = await startCloudProviderServer({
    backend,
    tls: { caPem: ca.certPem, serverCertPem: serving.certPem, serverKeyPem: serving.keyPem },
  });
});
after(() => server.stop());

test("the caller's certificate CN is the cluster every answer is about", async () => {
  const client = await clientFor('cluster-a');
  const groups = await call(client, 'NodeGroups', {});
  assert.deepEqual(groups.nodeGroups, [{ id: 'batch', minSize: 0, maxSize: 3, debug: 'batch' }]);
  const found = await call(client, 'NodeGroupForNode', {
    node: { providerID: 'berth://s1', name: 'n1', labels: {}, annotations: {} },
  });
  assert.equal((found.nodeGroup as { id: string }).id, 'batch');
  const other = await call(client, 'NodeGroupForNode', { node: { providerID: 'berth://x' } });
  assert.equal((other.nodeGroup as { id: string }).id, '', 'not autoscaled: an empty id');
  await call(client, 'NodeGroupIncreaseSize', { id: 'batch', delta: 2 });
  await call(client, 'NodeGroupDeleteNodes', {
    id: 'batch',
    nodes: [{ providerID: 'berth://s1' }, { providerID: 'berth://s2' }],
  });
  assert.ok(calls.includes('nodeGroups cluster-a'));
  assert.ok(calls.includes('increase cluster-a batch 2'));
  assert.ok(calls.includes('delete cluster-a batch berth://s1,berth://s2'));
  client.close();
});

test('instances, the template node and options survive the wire', async () => {
  const client = await clientFor('cluster-a');
  const nodes = await call(client, 'NodeGroupNodes', { id: 'batch' });
  assert.deepEqual(nodes.instances, [
    { id: 'berth://s1', status: { instanceState: 'instanceRunning', errorInfo: null } },
    {
      id: 'berth://pending/batch/0',
      status: {
        instanceState: 'instanceCreating',
        errorInfo: {
          errorCode: 'ProviderQuota',
          errorMessage: 'no address',
          instanceErrorClass: 1,
        },
      },
    },
  ]);
  const info = (await call(client, 'NodeGroupTemplateNodeInfo', { id: 'batch' })).nodeInfo as {
    metadata: { name: string; labels: Record<string, string> };
    spec: { taints: object[]; providerID: string };
    status: {
      allocatable: Record<string, { string: string }>;
      nodeInfo: { kubeletVersion: string };
    };
  };
  assert.equal(info.metadata.name, 'template-batch');
  assert.deepEqual(info.metadata.labels, template.labels);
  assert.deepEqual(info.spec.taints, [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }]);
  assert.equal(info.status.allocatable.cpu?.string, '2');
  assert.equal(info.status.nodeInfo.kubeletVersion, 'v1.34.10');
  const options = await call(client, 'NodeGroupGetOptions', {
    id: 'batch',
    defaults: { scaleDownUtilizationThreshold: 0.5, scaleDownUnneededTime: { duration: 600e9 } },
  });
  const o = options.nodeGroupAutoscalingOptions as Record<string, { duration: number } | number>;
  assert.deepEqual(o.scaleDownUnneededTime, { duration: 30e9 });
  assert.equal(o.scaleDownUtilizationThreshold, 0.5);
  client.close();
});

test('Berth errors arrive as gRPC codes; what Berth does not offer is UNIMPLEMENTED', async () => {
  const client = await clientFor('cluster-a');
  await assert.rejects(call(client, 'NodeGroupIncreaseSize', { id: 'batch', delta: 9 }), {
    code: grpc.status.FAILED_PRECONDITION,
  });
  await assert.rejects(call(client, 'NodeGroupTargetSize', { id: 'nope' }), {
    code: grpc.status.NOT_FOUND,
  });
  await assert.rejects(call(client, 'PricingNodePrice', {}), {
    code: grpc.status.UNIMPLEMENTED,
  });
  client.close();
});

test('a client certificate of another CA gets no answer', async () => {
  const stranger = await createCertificateAuthority({ commonName: 'someone-else' });
  const client = await clientFor('cluster-a', stranger);
  await assert.rejects(call(client, 'NodeGroups', {}), { code: grpc.status.UNAVAILABLE });
  client.close();
});
