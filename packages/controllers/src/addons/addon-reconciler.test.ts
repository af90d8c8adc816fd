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
import { AddonReconciler, CRD_REFRESH_MS, DEFAULT_ADDON_POLICY } from './addon-reconciler.js';

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
  assert.equal(h.addon()?.version, '3.6.12-berth.2');
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
  const h = setup([{ name: 'velero' }]);
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
          labels: {
            'addons.berth.dev/name': 'ingress',
            'addons.berth.dev/version': '3.5',
            'app.kubernetes.io/managed-by': 'berth',
          },
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
  assert.equal(labels['addons.berth.dev/version'], '3.6.12-berth.2');
});

test('metrics-server: Installed only once its APIService is Available; an upgrade waits for the new revision', async () => {
  const h = setup([{ name: 'metrics-server', version: '0.8.0' }]);
  h.api.images_ = {
    'metrics-server-v0.8.0': 'registry/berth/metrics-server:v0.8.0',
    'metrics-server-v0.8.1': 'registry/berth/metrics-server:v0.8.1',
  };
  const ms = 'Deployment/berth-metrics/metrics-server';
  const apiservice = 'APIService//v1beta1.metrics.k8s.io';
  const image = () =>
    (
      h.api.get(ms) as unknown as {
        spec: { template: { spec: { containers: { image: string }[] } } };
      }
    ).spec.template.spec.containers[0]?.image;
  h.api.setWorkload(ms, { available: 1 });
  h.api.setWorkload(apiservice, {
    available: 0,
    problem: { reason: 'FailedDiscoveryCheck', message: 'dial tcp 10.100.1.3:10250: i/o timeout' },
  });
  await h.pass();
  assert.equal(h.addon('metrics-server')?.phase, 'Installing');
  assert.equal(h.addon('metrics-server')?.reason, 'FailedDiscoveryCheck');
  assert.match(
    h.addon('metrics-server')?.message ?? '',
    /^apiservice v1beta1\.metrics\.k8s\.io: 0\/1/,
  );
  h.api.setWorkload(apiservice, { available: 1 });
  await h.pass();
  assert.equal(h.addon('metrics-server')?.phase, 'Installed');
  assert.equal(image(), 'registry/berth/metrics-server:v0.8.0');

  h.setSpec([{ name: 'metrics-server', version: '0.8.1' }]);
  const op = h.op('AddonInstall', 'metrics-server');
  h.api.setWorkload(ms, { available: 0 }); // the new revision's pod is not available yet
  await h.pass();
  assert.equal(image(), 'registry/berth/metrics-server:v0.8.1');
  assert.equal(h.addon('metrics-server')?.phase, 'Installing');
  assert.equal(h.addon('metrics-server')?.version, '0.8.1');
  assert.equal(h.store.operations.get(op.id)?.phase, 'Running');
  h.api.setWorkload(ms, { available: 1 });
  await h.pass();
  assert.equal(h.addon('metrics-server')?.phase, 'Installed');
  assert.equal(h.store.operations.get(op.id)?.phase, 'Succeeded');
  assert.equal(h.api.get(apiservice)?.metadata.labels?.['addons.berth.dev/version'], '0.8.1');
});

const MONITORING_IMAGES = {
  'prometheus-operator': 'r/berth/prometheus-operator:v0.85.0',
  'prometheus-config-reloader': 'r/berth/prometheus-config-reloader:v0.85.0',
  prometheus: 'r/berth/prometheus:v3.16.0',
  'kube-state-metrics': 'r/berth/kube-state-metrics:v2.20.0',
  node_exporter: 'r/berth/node_exporter:v1.12.1',
};

function monitoringSetup() {
  const h = setup([{ name: 'monitoring' }]);
  h.api.images_ = MONITORING_IMAGES;
  h.api.crds = ['prometheuses', 'servicemonitors', 'podmonitors', 'probes', 'prometheusrules'].map(
    (plural) => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${plural}.monitoring.coreos.com` },
    }),
  );
  return h;
}

const PROMETHEUS = 'Prometheus/berth-monitoring/berth';

test('monitoring: CRDs applied first; Installed only once the Prometheus (its StatefulSet) is available too', async () => {
  const h = monitoringSetup();
  await h.pass();
  assert.match(h.api.applied[0] ?? '', /^CustomResourceDefinition\/\/prometheuses/);
  assert.ok(h.api.get(PROMETHEUS) && h.api.get('Service/berth-monitoring/prometheus'));
  for (const w of [
    'Deployment/berth-monitoring/prometheus-operator',
    'Deployment/berth-monitoring/kube-state-metrics',
    'DaemonSet/berth-monitoring/node-exporter',
  ])
    h.api.setWorkload(w, { available: 1, desired: 1 });
  await h.pass();
  assert.equal(h.addon('monitoring')?.phase, 'Installing');
  assert.match(h.addon('monitoring')?.message ?? '', /prometheus berth-monitoring\/berth: 0\/1/);
  h.api.setWorkload(PROMETHEUS, { available: 1 });
  await h.pass();
  assert.equal(h.addon('monitoring')?.phase, 'Installed');
});

test("monitoring: the operator's labelled objects are never pruned; removal deletes custom resources first", async () => {
  const h = monitoringSetup();
  // What the operator makes with `--labels`: the addon's name, its own managed-by.
  const kubelet = 'Service/kube-system/kubelet';
  await h.api.apply(
    [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: 'kubelet',
          namespace: 'kube-system',
          labels: {
            'addons.berth.dev/name': 'monitoring',
            'app.kubernetes.io/managed-by': 'prometheus-operator',
          },
        },
      },
    ],
    'prometheus-operator',
  );
  await h.pass();
  assert.ok(h.api.get(kubelet), 'an operator-made object is not pruned');
  h.setSpec([]);
  h.api.holdOnDelete(PROMETHEUS);
  await h.pass();
  assert.equal(h.addon('monitoring')?.phase, 'Removing');
  assert.ok(h.api.deleted.includes(PROMETHEUS));
  assert.ok(!h.api.deleted.includes(kubelet), 'the rest waits for the custom resources');
  assert.ok(h.api.get('Deployment/berth-monitoring/prometheus-operator'));
  h.api.release(PROMETHEUS);
  await h.pass();
  assert.ok(h.api.deleted.includes(kubelet));
  assert.equal(h.api.get('Namespace//berth-monitoring'), undefined);
  await h.pass();
  assert.equal(h.addon('monitoring'), undefined);
  assert.ok(
    h.api.get('CustomResourceDefinition//servicemonitors.monitoring.coreos.com'),
    'CRDs stay',
  );
});

test('monitoring: a pass that meets a custom kind not yet served is Installing, and the next applies it', async () => {
  const h = monitoringSetup();
  h.api.unservedKinds.add('Prometheus');
  assert.deepEqual(await h.pass(), { requeueAfterMs: DEFAULT_ADDON_POLICY.waitMs });
  assert.equal(h.addon('monitoring')?.phase, 'Installing');
  assert.equal(h.addon('monitoring')?.reason, 'ApplyFailed');
  assert.ok(h.api.get('CustomResourceDefinition//prometheuses.monitoring.coreos.com'));
  assert.equal(h.api.get(PROMETHEUS), undefined);
  h.api.unservedKinds.clear();
  await h.pass();
  assert.ok(h.api.get(PROMETHEUS), 'the next pass applies it');
  assert.equal(h.addon('monitoring')?.phase, 'Installing');
});

test('monitoring: unchanged CRDs are not sent on every pass, only after CRD_REFRESH_MS or a failed apply', async () => {
  const h = monitoringSetup();
  const crdApplies = () =>
    h.api.applied.filter((k) => k.startsWith('CustomResourceDefinition/')).length;
  await h.pass();
  assert.equal(crdApplies(), 5);
  await h.pass();
  assert.equal(crdApplies(), 5, 'the second pass sends no CRD');
  assert.ok(
    h.api.applied.filter((k) => k === PROMETHEUS).length >= 2,
    'the rest is applied every pass',
  );
  h.advance(CRD_REFRESH_MS);
  await h.pass();
  assert.equal(crdApplies(), 10, 'refreshed after CRD_REFRESH_MS');
  h.api.applyError = new Error('connection reset');
  await h.pass();
  h.api.applyError = undefined;
  await h.pass();
  assert.equal(crdApplies(), 15, 'sent again after a failed apply');
  // Changed CRDs (a new module version) go out at once.
  h.api.crds = h.api.crds.map((c) => ({ ...c, spec: { changed: true } }));
  await h.pass();
  assert.equal(crdApplies(), 20);
});
