/**
 * Control-plane certificate renewal through KubeBootstrap: a raised `spec.certificateRenewal`
 * serial re-issues each master's leaf certificates (and the admin's) from the same CAs — so
 * the master's user data changes and the controllers roll it — once per serial, and only when
 * one expires within `onlyExpiringWithinDays`, when given.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import { hashUserData, type UserData } from '@berth/provider-api';
import { KubeBootstrap } from './kube-bootstrap.js';
import { DEFAULT_PORTS } from './layout.js';
import { MemorySecretStore, testCluster } from './testing/fixtures.js';

const DAY = 86_400_000;
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const masters = [0, 1, 2].map((i) => ({
  name: `demo-master-${i}`,
  address: `10.0.0.${10 + i}`,
  zone: 'az1',
}));
/** Each leaf file on a master and the CA file that signed it. */
const LEAVES: Record<string, string> = {
  'apiserver.crt': 'ca.crt',
  'apiserver-kubelet-client.crt': 'ca.crt',
  'apiserver-etcd-client.crt': 'etcd/ca.crt',
  'front-proxy-client.crt': 'front-proxy-ca.crt',
  'etcd/server.crt': 'etcd/ca.crt',
  'etcd/peer.crt': 'etcd/ca.crt',
};

function setup() {
  let now = new Date('2026-01-01T00:00:00Z');
  const kb = new KubeBootstrap({
    secrets: new MemorySecretStore(),
    components: async (binary, version) => `/cache/${version}/${binary}`,
    kubernetesVersion: () => 'v1.34.10',
    flavor: async (name) => ({ name, vcpus: 4, ramMiB: 8192 }),
    nodeAgent: { node: '/usr/bin/node', registerScript: '/r.js', etcdMemberScript: '/e.js' },
    clock: () => now,
    logger: silent,
    ports: DEFAULT_PORTS,
  });
  const cluster = testCluster('demo', { controlPlane: { count: 3 } });
  cluster.status.apiEndpoint = 'https://172.24.0.20:6443';
  const userData = (i: number) =>
    kb.masterUserData({
      cluster,
      master: masters[i]!,
      masters,
      apiAddress: '172.24.0.20',
      vipAddress: '10.0.0.5',
    });
  const advance = (days: number) => (now = new Date(now.getTime() + days * DAY));
  const renew = (serial: number, onlyExpiringWithinDays?: number) => {
    cluster.spec.certificateRenewal = {
      serial,
      requestedAt: now.toISOString(),
      ...(onlyExpiringWithinDays === undefined ? {} : { onlyExpiringWithinDays }),
    };
  };
  return { kb, cluster, userData, advance, renew };
}

const pem = (data: UserData, name: string) =>
  data.files.find((f) => f.path === `/etc/kubernetes/pki/${name}`)?.content ?? '';
const notAfter = (certPem: string) => Date.parse(new X509Certificate(certPem).validTo);

test('a renewal re-issues every leaf of every master from the same CAs, once per serial', async () => {
  const { kb, cluster, userData, advance, renew } = setup();
  const before = await Promise.all([0, 1, 2].map(userData));
  const adminBefore = (await kb.certificates(cluster))!.find((c) => c.name === 'admin');
  assert.equal(adminBefore, undefined, 'no admin certificate until one is asked for');
  await kb.adminKubeconfig(cluster);
  const listBefore = (await kb.certificates(cluster))!;
  advance(30);
  renew(1);
  const after = await Promise.all([0, 1, 2].map(userData));
  for (const i of [0, 1, 2]) {
    assert.notEqual(hashUserData(after[i]!), hashUserData(before[i]!), `master ${i} rolls`);
    assert.equal(pem(after[i]!, 'ca.crt'), pem(before[i]!, 'ca.crt'), 'the CA stays');
    assert.equal(pem(after[i]!, 'etcd/ca.crt'), pem(before[i]!, 'etcd/ca.crt'));
    for (const [leaf, caFile] of Object.entries(LEAVES)) {
      const gained = notAfter(pem(after[i]!, leaf)) - notAfter(pem(before[i]!, leaf));
      assert.equal(gained, 30 * DAY, leaf);
      const ca = new X509Certificate(pem(before[i]!, caFile));
      assert.ok(new X509Certificate(pem(after[i]!, leaf)).checkIssued(ca), `${leaf} by ${caFile}`);
    }
  }
  const listAfter = (await kb.certificates(cluster))!;
  for (const entry of listAfter) {
    const old = listBefore.find((c) => c.owner === entry.owner && c.name === entry.name)!;
    if (entry.kind === 'authority') assert.equal(entry.notAfter, old.notAfter, entry.name);
    else assert.ok(entry.notAfter > old.notAfter, `${entry.owner}/${entry.name} advanced`);
  }
  assert.ok(listAfter.some((c) => c.name === 'controller-manager'));
  // The same serial again (every later pass): nothing changes.
  advance(1);
  const again = await Promise.all([0, 1, 2].map(userData));
  for (const i of [0, 1, 2]) assert.equal(hashUserData(again[i]!), hashUserData(after[i]!));
  assert.deepEqual(await kb.certificates(cluster), listAfter);
});

test('onlyExpiringWithinDays renews only what expires within the window', async () => {
  const { kb, cluster, userData, advance, renew } = setup();
  const before = await userData(0);
  await kb.adminKubeconfig(cluster);
  advance(30); // the leaves expire in 335 days
  renew(1, 300);
  assert.equal(hashUserData(await userData(0)), hashUserData(before), 'none within 300 days');
  renew(2, 300); // a later request with the same window: still nothing due
  assert.equal(hashUserData(await userData(0)), hashUserData(before));
  renew(3, 340);
  const renewed = await userData(0);
  assert.notEqual(hashUserData(renewed), hashUserData(before), 'due within 340 days');
  assert.ok(notAfter(pem(renewed, 'apiserver.crt')) > notAfter(pem(before, 'apiserver.crt')));
  const admin = (await kb.certificates(cluster))!.find((c) => c.name === 'admin')!;
  assert.equal(Date.parse(admin.notAfter) - Date.parse('2026-01-01T00:00:00Z') > 365 * DAY, true);
});

test('a master made after the renewal gets current certificates and is not re-issued', async () => {
  const { cluster, userData, advance, renew } = setup();
  renew(1);
  const first = await userData(0);
  advance(1);
  assert.equal(hashUserData(await userData(0)), hashUserData(first));
  assert.equal(cluster.spec.certificateRenewal?.serial, 1);
});
