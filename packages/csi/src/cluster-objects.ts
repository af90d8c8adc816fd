/**
 * What a cluster needs to use the driver: the CSIDriver object (attach through
 * VolumeAttachment, ext4 ownership by fsGroup) and one StorageClass per volume type, the
 * default one marked. Pure: rendered from the type names, applied by Berth with server-side
 * apply.
 *
 * The StorageClasses' provisioner is `berth.dev/volume`, the name the product gives its
 * volumes; a StorageClass's provisioner may hold a '/', a CSI driver's name may not, so PVs and
 * VolumeAttachments name the driver `volume.berth.dev` (identity.ts). Berth's provisioner acts
 * on the first and writes the second.
 */
import { TYPE_PARAMETER } from './controller.js';
import { DRIVER_NAME } from './identity.js';

/** The StorageClasses' `provisioner`. */
export const PROVISIONER_NAME = 'berth.dev/volume';
export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
const LABELS = { 'app.kubernetes.io/managed-by': 'berth' };

export interface DriverObjectsInput {
  /** The provider's volume types: one StorageClass each, named as the type. */
  volumeTypes: readonly string[];
  /** The default class's type (e.g. `ssd`); no default when it is not among the types. */
  defaultType: string;
}

export interface ClusterObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export function driverObjects(input: DriverObjectsInput): ClusterObject[] {
  const driver: ClusterObject = {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'CSIDriver',
    metadata: { name: DRIVER_NAME, labels: LABELS },
    spec: {
      attachRequired: true,
      podInfoOnMount: false,
      volumeLifecycleModes: ['Persistent'],
      fsGroupPolicy: 'File',
      storageCapacity: false,
      requiresRepublish: false,
    },
  };
  const classes = [...input.volumeTypes].sort().map((type): ClusterObject => ({
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {
      name: type,
      labels: LABELS,
      annotations: { [DEFAULT_CLASS_ANNOTATION]: String(type === input.defaultType) },
    },
    provisioner: PROVISIONER_NAME,
    parameters: { [TYPE_PARAMETER]: type },
    reclaimPolicy: 'Delete',
    // The volume is made in the zone of the node the pod is scheduled to.
    volumeBindingMode: 'WaitForFirstConsumer',
    allowVolumeExpansion: true,
  }));
  return [driver, ...classes];
}
