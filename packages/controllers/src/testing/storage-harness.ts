/**
 * Test harness for the storage reconciler: a Running cluster in a memory store, the memory
 * provider with three worker servers (node-a and node-c in az1, node-b in az2) that the fake API
 * reports as Ready nodes registered with the driver, a clock the test moves, and shortcuts to
 * the objects a test starts from (a class, a claim, a provisioned and bound claim).
 */
import assert from 'node:assert/strict';
import { applyClusterDefaults, type Cluster } from '@berth/api-types';
import { silentLogger } from '@berth/controller-kit';
import type { AttachmentView, ClaimView, StorageClassView } from '@berth/controller-ports';
import { DRIVER_NAME, GIB, PROVISIONER_NAME } from '@berth/csi';
import type { Server, Volume } from '@berth/provider-api';
import { MemoryProvider } from '@berth/provider-memory';
import { roleTags } from '../naming.js';
import { RESYNC_MS, StorageReconciler } from '../storage/storage-reconciler.js';
import { FakeStorageApi, newUid, type FakeAttachment } from './fake-storage-api.js';
import { MemoryControllerStore } from './memory-store.js';

export const never: AbortSignal = new AbortController().signal;
export const FENCE_AFTER_MS = 30_000;
export const SELECTED_NODE = 'volume.kubernetes.io/selected-node';

export interface StorageHarness {
  provider: MemoryProvider;
  store: MemoryControllerStore;
  cluster: Cluster;
  api: FakeStorageApi;
  reconciler: StorageReconciler;
  /** node-a (az1), node-b (az2) and node-c (az1), by node name. */
  servers: Record<string, Server>;
  /** What `now()` returns to the reconciler; tests move it. */
  clock: { now: Date };
  /** One reconcile; asserts the cluster is re-read soon. */
  pass(): Promise<void>;
  addClass(name: string, fields?: Partial<StorageClassView>): StorageClassView;
  addClaim(name: string, fields?: Partial<ClaimView>): ClaimView;
  addAttachment(name: string, fields: Pick<AttachmentView, 'nodeName' | 'pvName'>): FakeAttachment;
  /** The cluster's volumes on the provider. */
  volumes(): Promise<Volume[]>;
  /** A claim of class `fast` for node-a, provisioned by one pass and bound. */
  provisioned(name: string, fields?: Partial<ClaimView>): Promise<Provisioned>;
}

export interface Provisioned {
  claim: ClaimView;
  pvName: string;
  volume: Volume;
}

export async function storageHarness(): Promise<StorageHarness> {
  const provider = new MemoryProvider();
  const store = new MemoryControllerStore();
  const cluster = runningCluster();
  store.putCluster(cluster);
  const api = new FakeStorageApi();
  const clock = { now: new Date('2026-12-01T12:00:00Z') };
  const servers = await startServers(provider, cluster);
  for (const [name, server] of Object.entries(servers))
    api.nodes.set(name, {
      name,
      uid: newUid('node'),
      ready: true,
      readySince: new Date(clock.now.getTime() - 3_600_000),
      csiNodeId: server.id,
      zone: server.zone,
      outOfService: false,
    });
  const reconciler = new StorageReconciler({
    store,
    provider,
    storage: api,
    logger: silentLogger(),
    now: () => clock.now,
    policy: { fenceAfterMs: FENCE_AFTER_MS },
  });
  const h: StorageHarness = {
    provider,
    store,
    cluster,
    api,
    reconciler,
    servers,
    clock,
    pass: async () => {
      const result = await reconciler.reconcile(cluster.metadata.uid, never);
      assert.deepEqual(result, { requeueAfterMs: RESYNC_MS });
    },
    addClass: (name, fields = {}) => {
      const sc: StorageClassView = {
        name,
        provisioner: PROVISIONER_NAME,
        parameters: { type: 'ssd' },
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'WaitForFirstConsumer',
        allowVolumeExpansion: true,
        allowedZones: [],
        ...fields,
      };
      api.classes.set(name, sc);
      return sc;
    },
    addClaim: (name, fields = {}) => {
      const claim: ClaimView = {
        namespace: 'default',
        name,
        uid: newUid('pvc'),
        storageClassName: 'fast',
        requestBytes: 10 * GIB,
        accessModes: ['ReadWriteOnce'],
        volumeMode: 'Filesystem',
        phase: 'Pending',
        annotations: { 'volume.kubernetes.io/storage-provisioner': PROVISIONER_NAME },
        deleting: false,
        ...fields,
      };
      api.claims.set(`${claim.namespace}/${name}`, claim);
      return claim;
    },
    addAttachment: (name, fields) => {
      const va: FakeAttachment = {
        name,
        uid: newUid('va'),
        attacher: DRIVER_NAME,
        attached: false,
        deleting: false,
        hasFinalizer: false,
        ...fields,
      };
      api.attachments.set(name, va);
      return va;
    },
    volumes: () => provider.volumes.list({ tags: roleTags(cluster, 'volume') }, never),
    provisioned: async (name, fields = {}) => {
      if (!api.classes.has('fast')) h.addClass('fast');
      const claim = h.addClaim(name, {
        ...fields,
        annotations: {
          'volume.kubernetes.io/storage-provisioner': PROVISIONER_NAME,
          [SELECTED_NODE]: 'node-a',
          ...fields.annotations,
        },
      });
      await h.pass();
      api.bind();
      const pvName = `pvc-${claim.uid}`;
      const volume = (await h.volumes()).find((v) => v.name === pvName);
      assert.ok(volume, `${name} provisioned`);
      assert.equal(api.claim(name)?.phase, 'Bound', `${name} bound`);
      return { claim: api.claim(name)!, pvName, volume };
    },
  };
  return h;
}

let counter = 0;

function runningCluster(): Cluster {
  const uid = `uid-storage-${++counter}`;
  return {
    apiVersion: 'berth.dev/v1',
    kind: 'Cluster',
    metadata: {
      name: `storage${counter}`,
      project: 'default',
      uid,
      generation: 1,
      resourceVersion: '1',
      labels: {},
      createdAt: new Date().toISOString(),
    },
    spec: applyClusterDefaults({ zones: ['az1', 'az2'] }, { defaultVersion: '1.34' }),
    status: { phase: 'Running', conditions: [], observedGeneration: 1 },
  };
}

async function startServers(
  provider: MemoryProvider,
  cluster: Cluster,
): Promise<Record<string, Server>> {
  const tags = roleTags(cluster, 'worker');
  const network = await provider.networks.create({ name: 'net', tags }, never);
  await provider.networks.createSubnet(
    { name: 'subnet', tags, networkId: network.id, cidr: cluster.spec.network.subnetCidr },
    never,
  );
  const server = (name: string, zone: string) =>
    provider.servers.create(
      { name, tags, flavor: 'std-2-4', zone, ports: [{ networkId: network.id }] },
      never,
    );
  return {
    'node-a': await server('node-a', 'az1'),
    'node-b': await server('node-b', 'az2'),
    'node-c': await server('node-c', 'az1'),
  };
}
