/**
 * What the storage controller needs from a cluster's Kubernetes API, as a narrow port: the
 * objects of dynamic provisioning (StorageClasses, PVCs, PVs), attachment (VolumeAttachments)
 * and the nodes they concern, and the writes upstream's external provisioner, attacher and
 * resizer make. The real implementation is in `@berth/kube-bootstrap`; tests use a fake here.
 */
import type { Cluster } from '@berth/api-types';

/** The finalizer Berth keeps on a VolumeAttachment until the volume is detached. */
export const ATTACHMENT_FINALIZER = 'external-attacher/volume-berth-dev';
/** The taint that lets Kubernetes delete a dead node's pods and detach its volumes at once. */
export const OUT_OF_SERVICE_TAINT = 'node.kubernetes.io/out-of-service';

export interface ObjectRef {
  kind: 'PersistentVolumeClaim' | 'PersistentVolume' | 'VolumeAttachment' | 'Node';
  namespace?: string;
  name: string;
  uid: string;
}

export interface StorageClassView {
  name: string;
  provisioner: string;
  parameters: Record<string, string>;
  reclaimPolicy: 'Delete' | 'Retain';
  volumeBindingMode: 'Immediate' | 'WaitForFirstConsumer';
  allowVolumeExpansion: boolean;
  /** Zones of `allowedTopologies` (any key holding a zone), empty when unrestricted. */
  allowedZones: string[];
}

/** `status.allocatedResourceStatuses.storage`, as upstream's resizer and kubelet write it. */
export type ResizeStatus =
  | 'ControllerResizeInProgress'
  | 'ControllerResizeInfeasible'
  | 'NodeResizePending'
  | 'NodeResizeInProgress'
  | 'NodeResizeFailed'
  | 'NodeResizeInfeasible';

export interface ClaimView {
  namespace: string;
  name: string;
  uid: string;
  storageClassName?: string;
  requestBytes: number;
  accessModes: string[];
  volumeMode: 'Filesystem' | 'Block';
  /** `spec.volumeName` once bound (or pre-bound). */
  volumeName?: string;
  phase: string;
  annotations: Record<string, string>;
  deleting: boolean;
  capacityBytes?: number;
  allocatedBytes?: number;
  resizeStatus?: ResizeStatus;
}

export interface VolumeView {
  name: string;
  uid: string;
  /** `spec.csi.driver` and `.volumeHandle`, when a CSI volume. */
  driver?: string;
  volumeHandle?: string;
  capacityBytes: number;
  phase: string;
  reclaimPolicy: string;
  claim?: { namespace: string; name: string; uid?: string };
  accessModes: string[];
  volumeMode: 'Filesystem' | 'Block';
  annotations: Record<string, string>;
  deleting: boolean;
}

export interface NewVolume {
  name: string;
  driver: string;
  volumeHandle: string;
  capacityBytes: number;
  accessModes: string[];
  volumeMode: 'Filesystem' | 'Block';
  fsType: string;
  reclaimPolicy: 'Delete' | 'Retain';
  storageClassName: string;
  claim: { namespace: string; name: string; uid: string };
  /** Nodes the volume is reachable from: this label key must hold this value. */
  nodeAffinity: { key: string; value: string };
  annotations: Record<string, string>;
}

export interface AttachmentView {
  name: string;
  uid: string;
  attacher: string;
  nodeName: string;
  pvName?: string;
  attached: boolean;
  deleting: boolean;
  hasFinalizer: boolean;
}

export interface StorageNodeView {
  name: string;
  uid: string;
  ready: boolean;
  /** When the Ready condition last changed. */
  readySince?: Date;
  /** The driver's node id (the provider's server id) from the node's CSI annotation. */
  csiNodeId?: string;
  zone?: string;
  outOfService: boolean;
}

export interface StorageEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/**
 * One cluster's API, connected. Methods throw on transport or API failures (the pass retries);
 * writes are idempotent.
 */
export interface ClusterStorageClient {
  listClasses(signal: AbortSignal): Promise<StorageClassView[]>;
  listClaims(signal: AbortSignal): Promise<ClaimView[]>;
  listVolumes(signal: AbortSignal): Promise<VolumeView[]>;
  listAttachments(signal: AbortSignal): Promise<AttachmentView[]>;
  listNodes(signal: AbortSignal): Promise<StorageNodeView[]>;
  /** Creates the PV; one that exists already under the name is left as it is. */
  createVolume(volume: NewVolume, signal: AbortSignal): Promise<void>;
  deleteVolume(name: string, signal: AbortSignal): Promise<void>;
  setVolumeCapacity(name: string, bytes: number, signal: AbortSignal): Promise<void>;
  /** Writes the claim's resize status (and capacity: the resize finished). */
  setClaimResize(
    claim: ClaimView,
    update: { allocatedBytes: number; status?: ResizeStatus; capacityBytes?: number },
    signal: AbortSignal,
  ): Promise<void>;
  setAttachmentFinalizer(name: string, present: boolean, signal: AbortSignal): Promise<void>;
  setAttachmentStatus(
    name: string,
    status: { attached: boolean; metadata?: Record<string, string>; error?: string },
    signal: AbortSignal,
  ): Promise<void>;
  setOutOfService(node: string, present: boolean, signal: AbortSignal): Promise<void>;
  recordEvent(object: ObjectRef, event: StorageEvent, signal: AbortSignal): Promise<void>;
}

export type ClusterStorageConnection = { client: ClusterStorageClient } | { unreachable: string };

export interface ClusterStorageApi {
  connect(
    cluster: Cluster,
    vipAddress: string,
    signal: AbortSignal,
  ): Promise<ClusterStorageConnection>;
}
