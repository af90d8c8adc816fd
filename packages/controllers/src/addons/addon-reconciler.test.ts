/**
 * The addon controller's phases against a fake cluster API (at the port) and the memory store:
 * install → Installed when workloads are available, Failed with the pods' reason after the
 * timeout, remove → everything labelled deleted, Removing until the last object is gone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyClusterDefaults, type Cluster, type ClusterAddon } from '@berth/api-types';
import { ADDONS_READY } from '@berth/controller-ports';
import { MemoryControllerStore } from '../testing/memory-store.js';
import { FakeAddonsApi } from '../testing/fake-addons-api.js';
import { AddonReconciler, DEFAULT_ADDON_POLICY } from './addon-reconciler.js';

const DEPLOYMENT = 'Deployment/berth-ingress/traefik';
const SERVICE = 'Service/berth-ingress/traefik';
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent } as never;

function setup(addons: ClusterAddon[] = [{ name: 'ingress' }]) {
  const store = new MemoryControllerStore();
  const api = new FakeAddonsApi();
  let now = Date.parse('2026-12-06T04:00:00Z');
  const cluster: Cluster = {
    apiVersion: 'berth.dev/v1',
    kind: 'Cluster',
    metadata: {
      name: 'c1',
      project: 'default',
      uid: 'uid-c1',
      generation: 2,
      resourceVersion: '1',
      labels: {},
      createdAt: new Date(now).toISOString(),
    },
    spec: { ...applyClusterDefaults({}, { defaultVersion: '1.34' }), addons },
    status: { phase: 'Running', version: '1.34.10', conditions: [], observedGeneration: 2 },
  };
  store.clusters.set(cluster.metadata.uid, cluster);
  const reconciler = new AddonReconciler({
    store,
    addons: api,
    logger: silent,
    now: () => new Date(now),
    policy: DEFAULT_ADDON_POLICY,
  });
  const pass = () => reconciler.reconcile(cluster.metadata.uid, new AbortController().signal);
  const status = () => store.clusters.get(cluster.metadata.uid)!.status;
  const addon = (name = 'ingress') => status().addons?.find((a) => a.name === name);
  const condition = () => status().conditions.find((c) => c.type === ADDONS_READY);
  const advance = (ms: number) => (now += ms);
  const setSpec = (next: ClusterAddon[]) => {
    const c = store.clusters.get(cluster.metadata.uid)!;
    c.spec.addons = next;
    c.metadata.generation += 1;
  };
  const op = (kind: 'AddonInstall' | 'AddonRemove', name = 'ingress') =>
    store.openOperation(kind, {
      kind: 'Cluster',
      project: 'default',
      cluster: 'c1',
      clusterUid: cluster.metadata.uid,
      name: 'c1',
      generation: store.clusters.get(cluster.metadata.uid)!.metadata.generation,
      addon: name,
    });
  return { store, api, pass, addon, condition, advance, setSpec, op, status };
}

test('install applies the objects with field manager berth-addons and is Installed once available', async () => {
  const h = setup();
  const op = h.op('AddonInstall');
  const result = await h.pass();
  assert.deepEqual(result, { requeueAfterMs: DEFAULT_ADDON_POLICY.waitMs });
  assert.ok(h.api.get(DEPLOYMENT) && h.api.get(SERVICE) && h.api.get('IngressClass//berth'));
  assert.ok([...h.api.objects.values()].every((o) => o.fieldManager === 'berth-addons'));
  assert.equal(h.addon()?.phase, 'Installing');
  assert.equal(h.addon()?.version, '3.6');
  assert.match(h.addon()?.message ?? '', /deployment berth-ingress\/traefik: 0\/2 available/);
  assert.equal(h.condition()?.status, 'False');
  assert.equal(h.store.operations.get(op.id)?.phase, 'Running');

  h.api.setWorkload(DEPLOYMENT, { available: 2 });
  assert.deepEqual(await h.pass(), { requeueAfterMs: DEFAULT_ADDON_POLICY.resyncMs });
  assert.equal(h.addon()?.phase, 'Installed');
  assert.equal(h.condition()?.status, 'True');
  assert.equal(h.condition()?.reason, 'AddonsInstalled');
  assert.equal(h.store.operations.get(op.id)?.phase, 'Succeeded');
  assert.deepEqual(h.store.eventReasons('uid-c1'), ['AddonInstalling', 'AddonInstalled']);

  const applied = h.api.applied.length;
  await h.pass();
  assert.equal(h.api.applied.length, applied + 8, 'every pass re-applies its 8 objects (drift)');
  assert.deepEqual(h.store.eventReasons('uid-c1'), ['AddonInstalling', 'AddonInstalled']);
});

test('a workload that cannot be scheduled ends Failed with the scheduler message after the timeout', async () => {
  const h = setup([{ name: 'ingress', config: { cpu: '64' } }]);
  const op = h.op('AddonInstall');
  const unschedulable = {
    reason: 'Unschedulable',
    message: '0/2 nodes are available: 2 Insufficient cpu.',
  };
  await h.pass();
  h.api.setWorkload(DEPLOYMENT, { available: 0, problem: unschedulable });
  h.advance(DEFAULT_ADDON_POLICY.readyTimeoutMs - 1000);
  await h.pass();
  assert.equal(h.addon()?.phase, 'Installing', 'still within the timeout');
  assert.equal(h.addon()?.reason, 'Unschedulable');
  h.advance(2000);
  await h.pass();
  const failed = h.addon()!;
  assert.equal(failed.phase, 'Failed');
  assert.equal(failed.reason, 'Unschedulable');
  assert.match(
    failed.message ?? '',
    /0\/2 nodes are available: 2 Insufficient cpu\. \(not ready after 30\d s\)/,
  );
  assert.equal(h.condition()?.status, 'False');
  assert.equal(h.condition()?.reason, 'AddonFailed');
  const finished = h.store.operations.get(op.id)!;
  assert.equal(finished.phase, 'Failed');
  assert.equal(finished.error?.code, 'BERTH_ERR_TIMEOUT');
  assert.ok(h.store.events.some((e) => e.reason === 'AddonFailed' && e.type === 'Warning'));
  const cpu = (
    h.api.get(DEPLOYMENT) as unknown as {
      spec: { template: { spec: { containers: { resources: { requests: { cpu: string } } }[] } } };
    }
  ).spec.template.spec.containers[0]!.resources.requests.cpu;
  assert.equal(cpu, '64', 'the setting reached the pods');
});

test('remove deletes every labelled object, Services first, and is Removing until all are gone', async () => {
  const h = setup();
  await h.pass();
  h.api.setWorkload(DEPLOYMENT, { available: 2 });
  await h.pass();
  h.api.holdOnDelete(SERVICE);
  h.setSpec([]);
  const op = h.op('AddonRemove');
  await h.pass();
  assert.equal(h.api.deleted[0], SERVICE, 'the Service goes first, taking its load balancer');
  assert.deepEqual([...h.api.objects.keys()], [SERVICE], 'only the held Service is left');
  assert.equal(h.addon()?.phase, 'Removing');
  assert.match(h.addon()?.message ?? '', /Service berth-ingress\/traefik/);
  assert.equal(h.store.operations.get(op.id)?.phase, 'Running');
  const deletes = h.api.deleted.length;
  await h.pass();
  assert.equal(
    h.api.deleted.length,
    deletes,
    'an object already being deleted is not deleted again',
  );
  h.api.release(SERVICE);
  await h.pass();
  assert.equal(h.addon(), undefined);
  assert.equal(h.api.objects.size, 0);
  assert.equal(h.condition()?.status, 'True');
  assert.equal(h.store.operations.get(op.id)?.phase, 'Succeeded');
  assert.ok(h.store.eventReasons('uid-c1').includes('AddonRemoved'));
  assert.equal(await h.pass(), undefined, 'nothing wanted, nothing left: no more passes');
});

test('addons not installable here, clusters not serving and unreachable APIs are left alone', async () => {
  const h = setup([{ name: 'monitoring' }]);
  assert.equal(await h.pass(), undefined);
  assert.equal(h.api.objects.size, 0);
  const g = setup();
  g.status().phase = 'Provisioning';
  await g.pass();
  assert.equal(g.api.objects.size, 0);
  g.status().phase = 'Running';
  g.api.reachable = false;
  assert.deepEqual(await g.pass(), { requeueAfterMs: DEFAULT_ADDON_POLICY.waitMs });
  assert.equal(g.api.objects.size, 0);
});

test('without its image in the registry the addon is Failed, naming the command that builds it', async () => {
  const h = setup();
  h.api.images_ = {};
  const op = h.op('AddonInstall');
  await h.pass();
  assert.equal(h.addon()?.phase, 'Failed');
  assert.equal(h.addon()?.reason, 'NotRenderable');
  assert.match(h.addon()?.message ?? '', /--only addons/);
  assert.equal(h.store.operations.get(op.id)?.error?.code, 'BERTH_ERR_INVALID_STATE');
});

test('an apply the API refuses is reported on the addon and retried, then Failed after the timeout', async () => {
  const h = setup();
  h.api.applyError = new Error('apply Namespace berth-ingress: 415 Unsupported Media Type');
  assert.deepEqual(await h.pass(), { requeueAfterMs: DEFAULT_ADDON_POLICY.waitMs });
  assert.equal(h.addon()?.phase, 'Installing');
  assert.equal(h.addon()?.reason, 'ApplyFailed');
  assert.match(h.addon()?.message ?? '', /415/);
  h.advance(DEFAULT_ADDON_POLICY.readyTimeoutMs);
  await h.pass();
  assert.equal(h.addon()?.phase, 'Failed');
  h.api.applyError = undefined;
  h.api.setWorkload(DEPLOYMENT, { available: 2 });
  await h.pass();
  assert.equal(h.addon()?.phase, 'Installed', 'a later pass that succeeds repairs it');
});

test("the cluster controller's status writes keep the addon controller's fields", async () => {
  const h = setup();
  const stale = structuredClone(h.status());
  await h.pass();
  h.api.setWorkload(DEPLOYMENT, { available: 2 });
  await h.pass();
  // The cluster controller read the status before the addon pass and writes it back now.
  await h.store.updateClusterStatus('uid-c1', { ...stale, message: 'from the cluster controller' });
  assert.equal(h.status().message, 'from the cluster controller');
  assert.equal(h.addon()?.phase, 'Installed');
  assert.equal(h.condition()?.status, 'True');
});

test('an Installed addon whose pods go away is Installing again, and Failed only a timeout later', async () => {
  const h = setup();
  await h.pass();
  h.api.setWorkload(DEPLOYMENT, { available: 2 });
  await h.pass();
  h.advance(3 * DEFAULT_ADDON_POLICY.readyTimeoutMs);
  h.api.setWorkload(DEPLOYMENT, { available: 1 });
  await h.pass();
  assert.equal(h.addon()?.phase, 'Installing', 'the clock starts when the pods went away');
  h.advance(DEFAULT_ADDON_POLICY.readyTimeoutMs);
  await h.pass();
  assert.equal(h.addon()?.phase, 'Failed');
  assert.equal(h.addon()?.reason, 'WorkloadNotReady');
});

test('an addon removed before any pass installed it: both operations end', async () => {
  const h = setup();
  const install = h.op('AddonInstall');
  h.setSpec([]);
  const remove = h.op('AddonRemove');
  await h.pass();
  assert.equal(h.api.objects.size, 0);
  assert.equal(h.store.operations.get(install.id)?.phase, 'Failed');
  assert.match(h.store.operations.get(install.id)?.message ?? '', /cancelled/);
  assert.equal(h.store.operations.get(remove.id)?.phase, 'Succeeded');
  assert.equal(await h.pass(), undefined);
});

test('an upgrade prunes objects of the addon that the new version no longer has', async () => {
  const h = setup();
  // What an older version left: labelled as the addon's, not among today's objects.
  await h.api.apply(
    [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'traefik-config',
          namespace: 'berth-ingress',
          labels: { 'addons.berth.dev/name': 'ingress', 'addons.berth.dev/version': '3.5' },
        },
      },
    ],
    'berth-addons',
  );
  await h.pass();
  assert.equal(h.api.get('ConfigMap/berth-ingress/traefik-config'), undefined);
  assert.ok(h.api.deleted.includes('ConfigMap/berth-ingress/traefik-config'));
  assert.ok(!h.api.deleted.includes(DEPLOYMENT), "today's objects stay");
  const labels = h.api.get(DEPLOYMENT)?.metadata.labels ?? {};
  assert.equal(labels['addons.berth.dev/version'], '3.6');
});
