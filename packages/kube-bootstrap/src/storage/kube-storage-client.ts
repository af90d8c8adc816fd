/**
 * The storage controller's view of one cluster (`ClusterStorageClient`) over the cluster's own
 * API: StorageClasses, PVCs, PVs, VolumeAttachments and Nodes as the controller reads them, and
 * the writes upstream's external provisioner, attacher and resizer make (PVs, attachment status
 * and finalizer, claim resize status, Events), plus the out-of-service taint on a dead node.
 */
import type { Cluster } from '@berth/api-types';
import {
  ATTACHMENT_FINALIZER,
  OUT_OF_SERVICE_TAINT,
  type AttachmentView,
  type ClaimView,
  type ClusterStorageApi,
  type ClusterStorageClient,
  type ClusterStorageConnection,
  type NewVolume,
  type ObjectRef,
  type ResizeStatus,
  type StorageClassView,
  type StorageEvent,
  type StorageNodeView,
  type VolumeView,
} from '@berth/controller-ports';
import type {
  V1Node,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  V1StorageClass,
} from '@kubernetes/client-node';
import { PatchStrategy, type KubeClient } from '../kube-client.js';
import { recordKubeEvent } from '../kube-events.js';
import type { Connection } from '../cluster-api.js';

/** What this needs of ClusterApi: a client as the storage controller, or why there is none. */
export interface StorageConnector {
  connect(
    cluster: Cluster,
    vipAddress: string,
    signal: AbortSignal,
    as: 'storage',
  ): Promise<Connection>;
}

/** `source.component` of the Events Berth writes about volumes. */
export const STORAGE_EVENT_SOURCE = 'berth-storage';
const CSI_NODE_ANNOTATION = 'csi.volume.kubernetes.io/nodeid';
const ZONE_LABELS = ['topology.berth.dev/zone', 'topology.kubernetes.io/zone'];

export class KubeClusterStorage implements ClusterStorageApi {
  constructor(
    private readonly connector: StorageConnector,
    private readonly driverName: string,
  ) {}

  async connect(
    cluster: Cluster,
    vipAddress: string,
    signal: AbortSignal,
  ): Promise<ClusterStorageConnection> {
    // Its own identity with only what it needs (rbac.ts STORAGE_ROLE), not the admin's.
    const found = await this.connector.connect(cluster, vipAddress, signal, 'storage');
    if ('unreachable' in found) return { unreachable: found.unreachable };
    return { client: new KubeStorageClient(found.api, this.driverName) };
  }
}

const bytesOf = (q: string | undefined): number | undefined =>
  q === undefined ? undefined : parseQuantity(q);

export class KubeStorageClient implements ClusterStorageClient {
  constructor(
    private readonly api: KubeClient,
    private readonly driverName: string,
  ) {}

  async listClasses(signal: AbortSignal): Promise<StorageClassView[]> {
    const list = await this.api.call(
      'list storage classes',
      (k) => k.storage.listStorageClass({}),
      {
        signal,
      },
    );
    return list.items.map(toClass);
  }

  async listClaims(signal: AbortSignal): Promise<ClaimView[]> {
    const list = await this.api.call(
      'list persistent volume claims',
      (k) => k.core.listPersistentVolumeClaimForAllNamespaces({}),
      { signal },
    );
    return list.items.map(toClaim);
  }

  async listVolumes(signal: AbortSignal): Promise<VolumeView[]> {
    const list = await this.api.call(
      'list persistent volumes',
      (k) => k.core.listPersistentVolume({}),
      { signal },
    );
    return list.items.map(toVolume);
  }

  async listAttachments(signal: AbortSignal): Promise<AttachmentView[]> {
    const list = await this.api.call(
      'list volume attachments',
      (k) => k.storage.listVolumeAttachment({}),
      { signal },
    );
    return list.items.map((va) => ({
      name: va.metadata!.name!,
      uid: va.metadata!.uid!,
      attacher: va.spec.attacher,
      nodeName: va.spec.nodeName,
      ...(va.spec.source.persistentVolumeName === undefined
        ? {}
        : { pvName: va.spec.source.persistentVolumeName }),
      attached: va.status?.attached === true,
      deleting: va.metadata?.deletionTimestamp !== undefined,
      hasFinalizer: (va.metadata?.finalizers ?? []).includes(ATTACHMENT_FINALIZER),
    }));
  }

  async listNodes(signal: AbortSignal): Promise<StorageNodeView[]> {
    const list = await this.api.call('list nodes', (k) => k.core.listNode({}), { signal });
    return list.items.map((node) => toNode(node, this.driverName));
  }

  async createVolume(volume: NewVolume, signal: AbortSignal): Promise<void> {
    const body: V1PersistentVolume = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: volume.name, annotations: volume.annotations },
      spec: {
        capacity: { storage: String(volume.capacityBytes) },
        accessModes: volume.accessModes,
        volumeMode: volume.volumeMode,
        persistentVolumeReclaimPolicy: volume.reclaimPolicy,
        storageClassName: volume.storageClassName,
        claimRef: {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          ...volume.claim,
        },
        csi: {
          driver: volume.driver,
          volumeHandle: volume.volumeHandle,
          ...(volume.volumeMode === 'Filesystem' ? { fsType: volume.fsType } : {}),
        },
        nodeAffinity: {
          required: {
            nodeSelectorTerms: [
              {
                matchExpressions: [
                  {
                    key: volume.nodeAffinity.key,
                    operator: 'In',
                    values: [volume.nodeAffinity.value],
                  },
                ],
              },
            ],
          },
        },
      },
    };
    try {
      await this.api.call(
        `create persistent volume ${volume.name}`,
        (k) => k.core.createPersistentVolume({ body }),
        { signal },
      );
    } catch (err) {
      if ((err as { code?: string }).code !== 'BERTH_ERR_CONFLICT') throw err;
    }
  }

  async deleteVolume(name: string, signal: AbortSignal): Promise<void> {
    await this.api.find(
      `delete persistent volume ${name}`,
      (k) => k.core.deletePersistentVolume({ name }),
      { signal },
    );
  }

  async setVolumeCapacity(name: string, bytes: number, signal: AbortSignal): Promise<void> {
    await this.api.call(
      `resize persistent volume ${name}`,
      (k) =>
        k.core.patchPersistentVolume({
          name,
          body: { spec: { capacity: { storage: String(bytes) } } },
        }),
      { signal, patch: PatchStrategy.MergePatch },
    );
  }

  async setClaimResize(
    claim: ClaimView,
    update: { allocatedBytes: number; status?: ResizeStatus; capacityBytes?: number },
    signal: AbortSignal,
  ): Promise<void> {
    const status: Record<string, unknown> = {
      allocatedResources: { storage: String(update.allocatedBytes) },
      // A merge patch with null removes the key: the resize is over.
      allocatedResourceStatuses: { storage: update.status ?? null },
    };
    if (update.capacityBytes !== undefined)
      status.capacity = { storage: String(update.capacityBytes) };
    await this.api.call(
      `set resize status of ${claim.namespace}/${claim.name}`,
      (k) =>
        k.core.patchNamespacedPersistentVolumeClaimStatus({
          namespace: claim.namespace,
          name: claim.name,
          body: { metadata: { uid: claim.uid }, status },
        }),
      { signal, patch: PatchStrategy.MergePatch },
    );
  }

  async setAttachmentFinalizer(name: string, present: boolean, signal: AbortSignal): Promise<void> {
    const current = await this.api.find(
      `read volume attachment ${name}`,
      (k) => k.storage.readVolumeAttachment({ name }),
      { signal },
    );
    if (current === undefined) return;
    const list = current.metadata?.finalizers ?? [];
    if (list.includes(ATTACHMENT_FINALIZER) === present) return;
    const finalizers = present
      ? [...list, ATTACHMENT_FINALIZER]
      : list.filter((f) => f !== ATTACHMENT_FINALIZER);
    await this.api.find(
      `${present ? 'add' : 'remove'} finalizer of volume attachment ${name}`,
      (k) =>
        k.storage.patchVolumeAttachment({
          name,
          body: {
            metadata: { finalizers, resourceVersion: current.metadata?.resourceVersion },
          },
        }),
      { signal, patch: PatchStrategy.MergePatch },
    );
  }

  async setAttachmentStatus(
    name: string,
    status: { attached: boolean; metadata?: Record<string, string>; error?: string },
    signal: AbortSignal,
  ): Promise<void> {
    const now = new Date();
    const error = status.error === undefined ? null : { time: now, message: status.error };
    const body = {
      status: {
        attached: status.attached,
        attachmentMetadata: status.metadata ?? null,
        ...(status.attached || status.error === undefined
          ? { attachError: null }
          : { attachError: error }),
      },
    };
    await this.api.find(
      `set status of volume attachment ${name}`,
      (k) => k.storage.patchVolumeAttachmentStatus({ name, body }),
      { signal, patch: PatchStrategy.MergePatch },
    );
  }

  async setOutOfService(node: string, present: boolean, signal: AbortSignal): Promise<void> {
    const current = await this.api.find(
      `read node ${node}`,
      (k) => k.core.readNode({ name: node }),
      { signal },
    );
    if (current === undefined) return;
    const taints = current.spec?.taints ?? [];
    const has = taints.some((t) => t.key === OUT_OF_SERVICE_TAINT);
    if (has === present) return;
    const next = present
      ? [...taints, { key: OUT_OF_SERVICE_TAINT, value: 'nodeshutdown', effect: 'NoExecute' }]
      : taints.filter((t) => t.key !== OUT_OF_SERVICE_TAINT);
    await this.api.call(
      `${present ? 'taint' : 'untaint'} node ${node} out-of-service`,
      (k) =>
        k.core.patchNode({
          name: node,
          body: {
            metadata: { resourceVersion: current.metadata?.resourceVersion },
            spec: { taints: next },
          },
        }),
      { signal, patch: PatchStrategy.MergePatch },
    );
  }

  async recordEvent(object: ObjectRef, event: StorageEvent, signal: AbortSignal): Promise<void> {
    const involved = {
      apiVersion: object.kind === 'VolumeAttachment' ? 'storage.k8s.io/v1' : 'v1',
      kind: object.kind,
      name: object.name,
      uid: object.uid,
      ...(object.namespace === undefined ? {} : { namespace: object.namespace }),
    };
    await recordKubeEvent(this.api, involved, event, STORAGE_EVENT_SOURCE, signal);
  }
}

function toClass(sc: V1StorageClass): StorageClassView {
  const zones = (sc.allowedTopologies ?? []).flatMap((term) =>
    (term.matchLabelExpressions ?? [])
      .filter((e) => ZONE_LABELS.includes(e.key))
      .flatMap((e) => e.values),
  );
  return {
    name: sc.metadata!.name!,
    provisioner: sc.provisioner,
    parameters: sc.parameters ?? {},
    reclaimPolicy: sc.reclaimPolicy === 'Retain' ? 'Retain' : 'Delete',
    volumeBindingMode:
      sc.volumeBindingMode === 'WaitForFirstConsumer' ? 'WaitForFirstConsumer' : 'Immediate',
    allowVolumeExpansion: sc.allowVolumeExpansion === true,
    allowedZones: zones,
  };
}

function toClaim(pvc: V1PersistentVolumeClaim): ClaimView {
  const status = pvc.status;
  const resize = status?.allocatedResourceStatuses?.storage as ResizeStatus | undefined;
  const capacity = bytesOf(status?.capacity?.storage as string | undefined);
  const allocated = bytesOf(status?.allocatedResources?.storage as string | undefined);
  return {
    namespace: pvc.metadata!.namespace!,
    name: pvc.metadata!.name!,
    uid: pvc.metadata!.uid!,
    ...(pvc.spec?.storageClassName == null ? {} : { storageClassName: pvc.spec.storageClassName }),
    requestBytes: bytesOf(pvc.spec?.resources?.requests?.storage as string | undefined) ?? 0,
    accessModes: pvc.spec?.accessModes ?? [],
    volumeMode: pvc.spec?.volumeMode === 'Block' ? 'Block' : 'Filesystem',
    ...(pvc.spec?.volumeName ? { volumeName: pvc.spec.volumeName } : {}),
    phase: status?.phase ?? 'Pending',
    annotations: pvc.metadata?.annotations ?? {},
    deleting: pvc.metadata?.deletionTimestamp !== undefined,
    ...(capacity === undefined ? {} : { capacityBytes: capacity }),
    ...(allocated === undefined ? {} : { allocatedBytes: allocated }),
    ...(resize === undefined ? {} : { resizeStatus: resize }),
  };
}

function toVolume(pv: V1PersistentVolume): VolumeView {
  const claim = pv.spec?.claimRef;
  return {
    name: pv.metadata!.name!,
    uid: pv.metadata!.uid!,
    ...(pv.spec?.csi === undefined
      ? {}
      : { driver: pv.spec.csi.driver, volumeHandle: pv.spec.csi.volumeHandle }),
    capacityBytes: bytesOf(pv.spec?.capacity?.storage as string | undefined) ?? 0,
    phase: pv.status?.phase ?? 'Pending',
    reclaimPolicy: pv.spec?.persistentVolumeReclaimPolicy ?? 'Retain',
    ...(claim?.name === undefined
      ? {}
      : {
          claim: {
            namespace: claim.namespace ?? 'default',
            name: claim.name,
            ...(claim.uid === undefined ? {} : { uid: claim.uid }),
          },
        }),
    accessModes: pv.spec?.accessModes ?? [],
    volumeMode: pv.spec?.volumeMode === 'Block' ? 'Block' : 'Filesystem',
    annotations: pv.metadata?.annotations ?? {},
    deleting: pv.metadata?.deletionTimestamp !== undefined,
  };
}

function toNode(node: V1Node, driverName: string): StorageNodeView {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  let csiNodeId: string | undefined;
  try {
    const ids = JSON.parse(node.metadata?.annotations?.[CSI_NODE_ANNOTATION] ?? '{}') as Record<
      string,
      string
    >;
    csiNodeId = ids[driverName];
  } catch {
    csiNodeId = undefined;
  }
  const labels = node.metadata?.labels ?? {};
  const zone = ZONE_LABELS.map((l) => labels[l]).find((z) => z !== undefined);
  const since = ready?.lastTransitionTime;
  return {
    name: node.metadata!.name!,
    uid: node.metadata!.uid!,
    ready: ready?.status === 'True',
    ...(since === undefined ? {} : { readySince: new Date(since) }),
    ...(csiNodeId === undefined ? {} : { csiNodeId }),
    ...(zone === undefined ? {} : { zone }),
    outOfService: (node.spec?.taints ?? []).some((t) => t.key === OUT_OF_SERVICE_TAINT),
  };
}

/** Each suffix as base ** power. */
const SUFFIXES: Record<string, [bigint, number]> = {
  '': [10n, 0],
  m: [10n, -3],
  k: [10n, 3],
  M: [10n, 6],
  G: [10n, 9],
  T: [10n, 12],
  P: [10n, 15],
  E: [10n, 18],
  Ki: [2n, 10],
  Mi: [2n, 20],
  Gi: [2n, 30],
  Ti: [2n, 40],
  Pi: [2n, 50],
  Ei: [2n, 60],
};
const QUANTITY = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+)|(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei))?$/;

/**
 * Bytes of a Kubernetes quantity (`10Gi`, `1G`, `1073741824`, `1.5Gi`, `500m`, `1e9`), rounded
 * up to a whole byte as Kubernetes' `Value()` does; computed exactly (no binary fractions).
 * @throws for anything that is not a non-negative quantity
 */
export function parseQuantity(q: string): number {
  const m = QUANTITY.exec(q.trim());
  const whole = m?.[1] ?? '';
  const fraction = m?.[2] ?? '';
  if (m === null || whole + fraction === '') throw new Error(`unreadable quantity "${q}"`);
  const [base, power] = m[3] === undefined ? SUFFIXES[m[4] ?? '']! : [10n, Number(m[3])];
  // Bounded so a hostile `1e999999999` cannot make a billion-digit BigInt.
  if (Math.abs(power) > 64) throw new Error(`quantity "${q}" is out of range`);
  let numerator = BigInt(whole + fraction);
  let denominator = 10n ** BigInt(fraction.length);
  if (power >= 0) numerator *= base ** BigInt(power);
  else denominator *= base ** BigInt(-power);
  return Number((numerator + denominator - 1n) / denominator);
}
