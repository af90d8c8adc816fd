/**
 * The volumes view: a provider volume with what it is for, its claim and its node read from the
 * tags the controllers and the CSI driver put on it (`berth.dev/role`, `berth.dev/pvc-*`,
 * `berth.dev/pv-name`) and from the server it is attached to.
 */
import type { InfraObject, InfraVolume, VolumePurpose, VolumeState } from '@berth/api-types';
import { CLAIM_PARAMETER_TAGS } from '@berth/csi';
import { TagKeys, type Tags, type Volume, type VolumeStatus } from '@berth/provider-api';

/** The tags CreateVolume keeps of the claim (see `@berth/csi`'s `CLAIM_PARAMETER_TAGS`). */
const ClaimTags = {
  namespace: CLAIM_PARAMETER_TAGS['csi.storage.k8s.io/pvc/namespace']!,
  name: CLAIM_PARAMETER_TAGS['csi.storage.k8s.io/pvc/name']!,
  persistentVolume: CLAIM_PARAMETER_TAGS['csi.storage.k8s.io/pv/name']!,
};

/** Every provider status is a state of the API (a compile error when the two drift apart). */
const stateOf = (status: VolumeStatus): VolumeState => status;

export function purposeOf(tags: Tags): VolumePurpose {
  switch (tags[TagKeys.role]) {
    case 'volume':
      return 'persistent-volume';
    case 'worker':
      return 'node-disk';
    default:
      return 'other';
  }
}

/**
 * `base` (the generic view of `volume`) with the typed fields. `serverNames` maps server ids to
 * names (the project's servers); an attached server missing from it (deleted meanwhile)
 * leaves `node.name` out.
 */
export function volumeView(
  base: InfraObject,
  volume: Volume,
  serverNames: ReadonlyMap<string, string>,
): InfraVolume {
  const { tags } = volume;
  const result: InfraVolume = {
    ...base,
    purpose: purposeOf(tags),
    state: stateOf(volume.status),
    volumeType: volume.volumeType,
    sizeGb: volume.sizeGb,
    zone: volume.zone,
  };
  const namespace = tags[ClaimTags.namespace];
  const name = tags[ClaimTags.name];
  if (namespace !== undefined && name !== undefined) result.pvc = { namespace, name };
  const persistentVolume = tags[ClaimTags.persistentVolume];
  if (persistentVolume !== undefined) result.persistentVolume = persistentVolume;
  if (volume.attachment !== null) {
    const { serverId, device } = volume.attachment;
    const server = serverNames.get(serverId);
    result.node = { ...(server === undefined ? {} : { name: server }), serverId, device };
  }
  return result;
}
