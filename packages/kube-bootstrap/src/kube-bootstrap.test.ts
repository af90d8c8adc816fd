import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { hashUserData, type Server, type UserData } from '@berth/provider-api';
import { credentialsFromKubeconfig } from './kube-client.js';
import { KubeBootstrap } from './kube-bootstrap.js';
import { DEFAULT_PORTS } from './layout.js';
import { MemorySecretStore, testCluster, testNodeGroup } from './testing/fixtures.js';
import { freePort } from '@berth/test-kit';

const signal = new AbortController().signal;
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const masters = [0, 1, 2].map((i) => ({
  name: `demo-master-${i}`,
  address: `10.0.0.${10 + i}`,
  zone: 'az1',
}));

function bootstrap(
  store = new MemorySecretStore(),
  apiserverPort = DEFAULT_PORTS.apiserver,
  images?: ConstructorParameters<typeof KubeBootstrap>[0]['images'],
) {
  return new KubeBootstrap({
    ...bootstrapDeps(store, apiserverPort),
    ...(images === undefined ? {} : { images }),
  });
}

function bootstrapDeps(
  store: MemorySecretStore,
  apiserverPort = DEFAULT_PORTS.apiserver,
): ConstructorParameters<typeof KubeBootstrap>[0] {
  return {
    secrets: store,
    components: async (binary, version) => `/cache/${version}/${binary}`,
    kubernetesVersion: () => 'v1.34.10',
    flavor: async (name) => ({ name, vcpus: 4, ramMiB: 8192 }),
    nodeAgent: {
      node: '/usr/bin/node',
      registerScript: '/b/register.js',
      etcdMemberScript: '/b/etcd-member.js',
    },
    clock: () => new Date(),
    logger: silent,
    ports: { ...DEFAULT_PORTS, apiserver: apiserverPort },
  };
}

const file = (data: UserData, path: string) =>
  data.files.find((f) => f.path === path)?.content ?? '';

test('master user data is made once per master and rendered the same on every pass', async () => {
  const kb = bootstrap();
  const cluster = testCluster('demo', { controlPlane: { count: 3 } });
  const input = {
    cluster,
    master: masters[0]!,
    masters,
    apiAddress: '172.24.0.20',
    vipAddress: '10.0.0.5',
  };
  const [a, b] = await Promise.all([kb.masterUserData(input), kb.masterUserData(input)]);
  assert.equal(hashUserData(a), hashUserData(b), 'same certificates, same hash');
  const other = await kb.masterUserData({ ...input, master: masters[1]! });
  assert.equal(
    file(a, '/etc/kubernetes/pki/ca.crt'),
    file(other, '/etc/kubernetes/pki/ca.crt'),
    'one CA',
  );
  assert.notEqual(
    file(a, '/etc/kubernetes/pki/apiserver.crt'),
    file(other, '/etc/kubernetes/pki/apiserver.crt'),
  );
  const cert = new X509Certificate(file(a, '/etc/kubernetes/pki/apiserver.crt'));
  for (const san of [
    'IP Address:10.0.0.10',
    'IP Address:10.0.0.5',
    'IP Address:172.24.0.20',
    'IP Address:10.254.0.1',
    'IP Address:127.0.0.1',
    'DNS:kubernetes.default.svc.cluster.local',
  ]) {
    assert.ok(
      cert.subjectAltName?.includes(san),
      `apiserver SANs have ${san}: ${cert.subjectAltName}`,
    );
  }
  const etcd = a.services.find((s) => s.name === 'etcd')!;
  assert.ok(
    etcd.command.includes(
      '--initial-cluster=demo-master-0=https://10.0.0.10:2380,demo-master-1=https://10.0.0.11:2380,demo-master-2=https://10.0.0.12:2380',
    ),
  );
  assert.equal(etcd.command[etcd.command.indexOf('--') + 1], '/cache/1.34/etcd');
});

test('a new API address reissues the serving certificate; the CA stays', async () => {
  const kb = bootstrap();
  const cluster = testCluster();
  const input = {
    cluster,
    master: masters[0]!,
    masters: [masters[0]!],
    apiAddress: '172.24.0.20',
    vipAddress: '10.0.0.5',
  };
  const before = await kb.masterUserData(input);
  const after = await kb.masterUserData({ ...input, apiAddress: '172.24.0.99' });
  assert.equal(
    file(before, '/etc/kubernetes/pki/ca.crt'),
    file(after, '/etc/kubernetes/pki/ca.crt'),
  );
  const cert = new X509Certificate(file(after, '/etc/kubernetes/pki/apiserver.crt'));
  assert.match(cert.subjectAltName ?? '', /IP Address:172\.24\.0\.99/);
});

test('simulated worker user data: the node identity, the VIP, capacity from the flavor', async () => {
  const kb = bootstrap();
  const cluster = testCluster();
  const nodeGroup = testNodeGroup(cluster, 'pool', {
    flavor: 'std-4-8',
    labels: { tier: 'web' },
    runtime: 'simulated',
  });
  const data = await kb.workerUserData(
    { cluster, nodeGroup, serverName: 'demo-pool-abcde', vipAddress: '10.0.0.5' },
    signal,
  );
  const creds = credentialsFromKubeconfig(file(data, '/etc/kubernetes/kubelet.conf'));
  assert.equal(creds.server, 'https://10.0.0.5:6443');
  const cert = new X509Certificate(creds.certPem);
  assert.equal(cert.subject, 'CN=system:node:demo-pool-abcde\nO=system:nodes');
  const spec = JSON.parse(file(data, '/etc/berth/node.json')) as {
    capacity: object;
    labels: Record<string, string>;
  };
  assert.deepEqual(spec.capacity, {
    cpu: '4',
    memory: '8192Mi',
    pods: '110',
    'ephemeral-storage': '20Gi',
  });
  assert.equal(spec.labels['node.kubernetes.io/instance-type'], 'std-4-8');
  assert.equal(spec.labels.tier, 'web');
  const kwok = data.services.find((s) => s.name === 'kwok')!;
  assert.ok(kwok.command.includes('--manage-single-node=demo-pool-abcde'));
});

test('a real worker runs containerd, kubelet and kube-proxy, pulling with its cluster credential', async () => {
  const asked: unknown[] = [];
  const kb = bootstrap(undefined, undefined, async (cluster, release) => {
    asked.push({ ...cluster, release });
    return {
      sandbox: `198.18.0.1:5000/berth/pause:for-${release}`,
      coredns: '198.18.0.1:5000/berth/coredns:v1.14.7',
      registry: { host: '198.18.0.1:5000', caPem: 'CA' },
      pullCredential: { username: `berth-node.${cluster.project}.${cluster.uid}`, password: 'pw' },
    };
  });
  const cluster = testCluster();
  const nodeGroup = testNodeGroup(cluster, 'pool', { flavor: 'std-4-8' });
  assert.equal(nodeGroup.spec.runtime, 'containerd', 'real nodes are the default');
  const data = await kb.workerUserData(
    { cluster, nodeGroup, serverName: 'demo-pool-abcde', vipAddress: '10.0.0.5' },
    signal,
  );
  assert.deepEqual(asked, [
    { project: cluster.metadata.project, uid: cluster.metadata.uid, release: cluster.spec.version },
  ]);
  assert.deepEqual(
    data.services.map((s) => s.name),
    ['containerd', 'kubelet', 'kube-proxy'],
  );
  assert.match(
    file(data, '/etc/containerd/config.toml'),
    new RegExp(`sandbox = '198\\.18\\.0\\.1:5000/berth/pause:for-${cluster.spec.version}'`),
  );
  assert.match(
    file(data, '/etc/kubernetes/pki/registry-credential.json'),
    new RegExp(`berth-node\\.${cluster.metadata.project}\\.${cluster.metadata.uid}`),
  );
  const creds = credentialsFromKubeconfig(file(data, '/etc/kubernetes/kubelet.conf'));
  assert.equal(
    new X509Certificate(creds.certPem).subject,
    'CN=system:node:demo-pool-abcde\nO=system:nodes',
  );
});

test('without the platform registry a real worker is refused with a reason', async () => {
  const kb = bootstrap();
  const cluster = testCluster();
  await assert.rejects(
    kb.workerUserData(
      {
        cluster,
        nodeGroup: testNodeGroup(cluster, 'pool'),
        serverName: 'n',
        vipAddress: '10.0.0.5',
      },
      signal,
    ),
    /real nodes need the platform registry/,
  );
});

test('the admin kubeconfig needs a PKI and an endpoint, then names the endpoint', async () => {
  const store = new MemorySecretStore();
  const kb = bootstrap(store);
  const cluster = testCluster();
  assert.equal(await kb.adminKubeconfig(cluster), undefined);
  assert.equal(store.writes, 0, 'asking creates nothing');
  await kb.masterUserData({
    cluster,
    master: masters[0]!,
    masters: [masters[0]!],
    apiAddress: '172.24.0.20',
    vipAddress: '10.0.0.5',
  });
  assert.equal(await kb.adminKubeconfig(cluster), undefined, 'no endpoint in status yet');
  cluster.status.apiEndpoint = 'https://172.24.0.20:6443';
  const creds = credentialsFromKubeconfig((await kb.adminKubeconfig(cluster))!);
  assert.equal(creds.server, 'https://172.24.0.20:6443');
  assert.equal(new X509Certificate(creds.certPem).subject, 'CN=kubernetes-admin\nO=system:masters');
  assert.equal(await kb.adminKubeconfig(cluster), await kb.adminKubeconfig(cluster), 'stable');
  await kb.forgetCluster(cluster);
  assert.equal(store.data.has(cluster.metadata.uid), false);
  assert.equal(await kb.adminKubeconfig(cluster), undefined);
});

test('readiness says why when the API does not answer; nodes of a cluster without PKI are unknown', async () => {
  const port = await freePort(); // nothing listens there
  const kb = bootstrap(new MemorySecretStore(), port);
  const cluster = testCluster();
  const server = { name: 'demo-master-0', ports: [{ fixedIp: '10.0.0.10' }] } as unknown as Server;
  // The VIP (a tenant address) is never contacted: from the host it would leave the host.
  const where = { vipAddress: '10.0.0.5' };
  assert.deepEqual(
    await kb.nodeReadiness({ cluster, servers: [server], ...where }, signal),
    new Map(),
  );
  await kb.masterUserData({
    cluster,
    master: masters[0]!,
    masters: [masters[0]!],
    apiAddress: '127.0.0.1',
    ...where,
  });
  const readiness = await kb.controlPlaneReadiness(
    { cluster, masters: [server], ...where },
    signal,
  );
  assert.equal(readiness.ready, false);
  assert.equal(readiness.reason, 'ApiUnreachable');
  assert.equal(
    readiness.message,
    `the Kubernetes API at https://127.0.0.1:${port} does not answer (ECONNREFUSED)`,
  );
  const nodes = await kb.nodeReadiness({ cluster, servers: [server], ...where }, signal);
  assert.deepEqual(nodes.get('demo-master-0'), { ready: false, reason: 'ApiUnreachable' });
});

test('a private API (its address is the VIP) is reported unreachable without being contacted', async () => {
  const kb = bootstrap();
  const cluster = testCluster('private', { apiAccess: { public: false } });
  const server = {
    name: 'private-master-0',
    ports: [{ fixedIp: '10.0.0.10' }],
  } as unknown as Server;
  await kb.masterUserData({
    cluster,
    master: masters[0]!,
    masters: [masters[0]!],
    apiAddress: '10.0.0.5',
    vipAddress: '10.0.0.5',
  });
  const readiness = await kb.controlPlaneReadiness(
    { cluster, masters: [server], vipAddress: '10.0.0.5' },
    signal,
  );
  assert.equal(readiness.reason, 'ApiUnreachable');
  assert.match(readiness.message, /private to the cluster network/);
});

test('the user issuer is pinned per cluster: new clusters keep theirs, older ones get none', async () => {
  const store = new MemorySecretStore();
  const issuer = (url: string) => ({
    issuerUrl: url,
    caPem: 'CERT(issuer-ca)\n',
    audience: (uid: string) => `berth:cluster:${uid}`,
  });
  const withIssuer = (url: string) =>
    new KubeBootstrap({ ...bootstrapDeps(store), userIssuer: issuer(url) });
  const input = (cluster: ReturnType<typeof testCluster>) => ({
    cluster,
    master: masters[0]!,
    masters: [masters[0]!],
    apiAddress: '172.24.0.20',
    vipAddress: '10.0.0.5',
  });
  const config = (data: UserData) => file(data, '/etc/kubernetes/authentication-config.yaml');

  // An older cluster: its PKI exists from a server without an issuer.
  const old = testCluster('old');
  const before = await bootstrap(store).masterUserData(input(old));
  const after = await withIssuer('https://198.18.0.1:5000/oidc').masterUserData(input(old));
  assert.equal(config(after), '', 'no authentication config for a cluster that predates it');
  assert.equal(hashUserData(after), hashUserData(before), 'its masters are not rolled');

  // A new cluster keeps the issuer it was created with, whatever the server says later.
  const fresh = testCluster('fresh');
  const first = await withIssuer('https://198.18.0.1:5000/oidc').masterUserData(input(fresh));
  assert.match(config(first), /url: "https:\/\/198\.18\.0\.1:5000\/oidc"/);
  assert.match(config(first), new RegExp(`"berth:cluster:${fresh.metadata.uid}"`));
  const moved = await withIssuer('https://198.18.0.1:5001/oidc').masterUserData(input(fresh));
  const without = await bootstrap(store).masterUserData(input(fresh));
  assert.equal(hashUserData(moved), hashUserData(first));
  assert.equal(hashUserData(without), hashUserData(first));
});

test('certificates lists the control plane with validity dates, never keys', async () => {
  const kb = bootstrap();
  const cluster = testCluster('demo');
  assert.equal(await kb.certificates(cluster), undefined, 'no PKI yet');
  await kb.masterUserData({
    cluster,
    master: { ...masters[0]!, name: 'demo-master-0' },
    masters: [{ ...masters[0]!, name: 'demo-master-0' }],
    apiAddress: '172.24.0.20',
    vipAddress: '10.0.0.5',
  });
  const list = (await kb.certificates(cluster))!;
  const names = list.map((c) => `${c.owner}/${c.name}`);
  assert.deepEqual(names.slice(0, 3), ['cluster/ca', 'cluster/etcd-ca', 'cluster/front-proxy-ca']);
  assert.ok(names.includes('demo-master-0/apiserver'));
  assert.ok(names.includes('demo-master-0/etcd-peer'));
  const ca = list[0]!;
  const apiserver = list.find((c) => c.name === 'apiserver')!;
  assert.equal(ca.kind, 'authority');
  assert.match(apiserver.subject, /CN=kube-apiserver/);
  const years = (iso: string) => (Date.parse(iso) - Date.now()) / (365 * 24 * 3600_000);
  assert.ok(years(ca.notAfter) > 9, ca.notAfter);
  assert.ok(years(apiserver.notAfter) > 0.9 && years(apiserver.notAfter) < 1.1, apiserver.notAfter);
  assert.doesNotMatch(JSON.stringify(list), /PRIVATE KEY/);
});

test('a cluster whose PKI predates directory users and audit logging keeps its user data', async () => {
  const store = new MemorySecretStore();
  const cluster = testCluster('old');
  const uid = cluster.metadata.uid;
  const input = {
    cluster,
    master: masters[0]!,
    masters: [masters[0]!],
    apiAddress: '172.24.0.20',
    vipAddress: '10.0.0.5',
  };
  await bootstrap(store).masterUserData(input);
  // What a server before this change stored: the PKI, no pinned features.
  await store.delete(uid, 'user-issuer');
  await store.delete(uid, 'audit-logging');
  const kb = new KubeBootstrap({
    ...bootstrapDeps(store),
    userIssuer: {
      issuerUrl: 'https://198.18.0.1:5000/oidc',
      caPem: 'CERT(issuer-ca)\n',
      audience: (id) => `berth:cluster:${id}`,
    },
  });
  const data = await kb.masterUserData(input);
  const paths = data.files.map((f) => f.path);
  assert.ok(!paths.includes('/etc/kubernetes/authentication-config.yaml'));
  assert.ok(!paths.includes('/etc/kubernetes/audit-policy.yaml'));
  const apiserver = data.services.find((s) => s.name === 'kube-apiserver')!;
  assert.ok(
    !apiserver.command.some(
      (a) => a.startsWith('--audit-') || a.startsWith('--authentication-config'),
    ),
  );

  const fresh = await kb.masterUserData({ ...input, cluster: testCluster('fresh') });
  const freshApiserver = fresh.services.find((s) => s.name === 'kube-apiserver')!;
  assert.ok(freshApiserver.command.includes('--audit-log-path=var/log/kubernetes/audit.log'));
  assert.ok(fresh.files.some((f) => f.path === '/etc/kubernetes/audit-policy.yaml'));
});
