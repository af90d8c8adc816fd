/**
 * Dynamic provisioning, as upstream's external-provisioner does it for a driver: a claim that
 * the PV controller handed to Berth's provisioner (`volume.kubernetes.io/storage-provisioner`)
 * gets a volume from the driver's CreateVolume — its type from the StorageClass, its zone the
 * chosen node's (WaitForFirstConsumer) within the class's allowed zones — and a PV pre-bound to
 * the claim, which the PV controller then binds. The volume is named after the claim's uid, so a
 * repeated pass finds it rather than making a second. A refusal (unknown type, too big, no such
 * zone) is a `ProvisioningFailed` event on the claim and creates nothing.
 */
import {
  DRIVER_NAME,
  PROVISIONER_NAME,
  RECLAIM_POLICY_TAG,
  ZONE_KEY,
  type CsiVolume,
} from '@berth/csi';
import type { ClaimView, StorageClassView } from '@berth/controller-ports';
import { errorMessage } from '../failures.js';
import { claimRef, volumeCapability, type StoragePass } from './pass.js';

const PROVISIONER_ANNOTATIONS = [
  'volume.kubernetes.io/storage-provisioner',
  'volume.beta.kubernetes.io/storage-provisioner',
];
const SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';

/** The PV (and volume) name of a claim: upstream's `pvc-<claim uid>`. */
export const volumeNameOf = (claim: { uid: string }) => `pvc-${claim.uid}`;

export async function provisionPhase(pass: StoragePass): Promise<void> {
  const { claims, classes, volumes } = pass.objects;
  const existing = new Set(volumes.map((v) => v.name));
  for (const claim of claims.filter(wantsVolume)) {
    const sc = classes.find((c) => c.name === claim.storageClassName);
    if (sc === undefined || existing.has(volumeNameOf(claim))) continue;
    try {
      await provision(pass, claim, sc);
    } catch (err) {
      pass.signal.throwIfAborted();
      await pass.event(claimRef(claim), {
        type: 'Warning',
        reason: 'ProvisioningFailed',
        message: `failed to provision volume with StorageClass "${sc.name}": ${errorMessage(err)}`,
      });
    }
  }
}

function wantsVolume(claim: ClaimView): boolean {
  return (
    !claim.deleting &&
    claim.phase === 'Pending' &&
    claim.volumeName === undefined &&
    PROVISIONER_ANNOTATIONS.some((a) => claim.annotations[a] === PROVISIONER_NAME)
  );
}

async function provision(pass: StoragePass, claim: ClaimView, sc: StorageClassView): Promise<void> {
  const selected = claim.annotations[SELECTED_NODE];
  if (sc.volumeBindingMode === 'WaitForFirstConsumer' && selected === undefined) return;
  const nodeZone =
    selected === undefined ? undefined : pass.objects.nodes.find((n) => n.name === selected)?.zone;
  // Without a zone the volume would land anywhere, likely where the pod cannot reach it.
  if (selected !== undefined && nodeZone === undefined)
    throw new Error(`node ${selected} is unknown or has no zone yet (driver not registered)`);
  // The driver takes a preferred zone before the requisite ones (CSI asks preferred ⊆ requisite),
  // so a node outside the class's zones must be refused here, as upstream's provisioner does.
  if (nodeZone !== undefined && sc.allowedZones.length > 0 && !sc.allowedZones.includes(nodeZone))
    throw new Error(
      `node ${selected} is in zone ${nodeZone}, outside the class's allowed zones: ${sc.allowedZones.join(', ')}`,
    );
  const name = volumeNameOf(claim);
  const topology = (zone: string) => ({ segments: { [ZONE_KEY]: zone } });
  const { volume } = await pass.driver.createVolume(
    {
      name,
      capacity_range: { required_bytes: String(claim.requestBytes), limit_bytes: '0' },
      volume_capabilities: [volumeCapability(claim.accessModes, claim.volumeMode)] as never,
      parameters: {
        ...sc.parameters,
        'csi.storage.k8s.io/pvc/namespace': claim.namespace,
        'csi.storage.k8s.io/pvc/name': claim.name,
        'csi.storage.k8s.io/pv/name': name,
        [RECLAIM_POLICY_TAG]: sc.reclaimPolicy,
      },
      volume_content_source: null,
      accessibility_requirements: {
        requisite: sc.allowedZones.map(topology),
        preferred: nodeZone === undefined ? [] : [topology(nodeZone)],
      },
    },
    pass.signal,
  );
  pass.unwritten.add(name);
  await pass.client.createVolume(
    {
      name,
      driver: DRIVER_NAME,
      volumeHandle: volume.volume_id,
      capacityBytes: Number(volume.capacity_bytes),
      accessModes: claim.accessModes,
      volumeMode: claim.volumeMode,
      fsType: 'ext4',
      reclaimPolicy: sc.reclaimPolicy,
      storageClassName: sc.name,
      claim: { namespace: claim.namespace, name: claim.name, uid: claim.uid },
      nodeAffinity: { key: ZONE_KEY, value: zoneOf(volume) },
      annotations: { [PROVISIONED_BY]: PROVISIONER_NAME },
    },
    pass.signal,
  );
  pass.unwritten.delete(name);
  pass.forget(claim);
  pass.logger.info(
    { claim: `${claim.namespace}/${claim.name}`, volume: volume.volume_id },
    'volume provisioned',
  );
  await pass.event(claimRef(claim), {
    type: 'Normal',
    reason: 'ProvisioningSucceeded',
    message: `Successfully provisioned volume ${name} (${sc.name}, ${zoneOf(volume)})`,
  });
}

function zoneOf(volume: CsiVolume): string {
  const zone = volume.accessible_topology[0]?.segments[ZONE_KEY];
  if (zone === undefined) throw new Error(`volume ${volume.volume_id} reports no zone`);
  return zone;
}
