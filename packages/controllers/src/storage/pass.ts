/** One storage pass over a cluster: what was read, and the means to act on it. */
import type { Cluster } from '@berth/api-types';
import type { ControllerService, ProviderVolumes } from '@berth/csi';
import type { Logger } from '@berth/controller-kit';
import type {
  AttachmentView,
  ClaimView,
  ClusterStorageClient,
  ObjectRef,
  StorageClassView,
  StorageEvent,
  StorageNodeView,
  VolumeView,
} from '@berth/controller-ports';
import type { InfraProvider } from '@berth/provider-api';
import type { StoragePolicy } from './storage-reconciler.js';

export interface StoragePass {
  cluster: Cluster;
  client: ClusterStorageClient;
  signal: AbortSignal;
  now: Date;
  policy: StoragePolicy;
  provider: InfraProvider;
  /** The cluster's volumes on the provider (tagged as the cluster's and the driver's). */
  port: ProviderVolumes;
  /** The driver's Controller service over `port`. */
  driver: ControllerService;
  objects: {
    classes: StorageClassView[];
    claims: ClaimView[];
    volumes: VolumeView[];
    attachments: AttachmentView[];
    nodes: StorageNodeView[];
  };
  logger: Logger;
  /** Records an event once while its message stays the same. */
  event(object: ObjectRef, event: StorageEvent): Promise<void>;
  /**
   * Names of volumes this controller made whose PV is not known to exist yet (kept across passes
   * of the cluster): one whose claim goes first is deleted by the reclaim phase.
   */
  unwritten: Set<string>;
  /** Forgets what was said about an object (it succeeded: a new failure is news again). */
  forget(object: { uid: string }): void;
}

export const claimRef = (c: ClaimView): ObjectRef => ({
  kind: 'PersistentVolumeClaim',
  namespace: c.namespace,
  name: c.name,
  uid: c.uid,
});

/** CSI's access mode for Kubernetes'; undefined for those the driver cannot offer. */
export function csiAccessMode(modes: readonly string[]): string {
  if (modes.includes('ReadWriteMany')) return 'MULTI_NODE_MULTI_WRITER';
  if (modes.includes('ReadOnlyMany')) return 'MULTI_NODE_READER_ONLY';
  // ReadWriteOncePod: one pod is stricter than one node, which kubelet enforces.
  return 'SINGLE_NODE_WRITER';
}

export function volumeCapability(modes: readonly string[], volumeMode: 'Filesystem' | 'Block') {
  return {
    access_mode: { mode: csiAccessMode(modes) },
    ...(volumeMode === 'Block' ? { block: {} } : { mount: { fs_type: 'ext4', mount_flags: [] } }),
  };
}
