/**
 * Reclaiming, as upstream's external-provisioner deletes: a PV Berth provisioned whose claim is
 * gone (Released) with reclaim policy Delete loses its volume (DeleteVolume; refused while still
 * attached, so retried next pass), then the PV itself. A Retain PV is left alone, its volume
 * kept. A volume whose claim and PV are both gone — provisioning interrupted by the claim's
 * deletion — is deleted too, so nothing half-created stays.
 */
import { DRIVER_NAME, PROVISIONER_NAME, RECLAIM_POLICY_TAG } from '@berth/csi';
import { roleTags } from '../naming.js';
import { errorMessage } from '../failures.js';
import { PROVISIONED_BY } from './provision.js';
import type { StoragePass } from './pass.js';

export async function reclaimPhase(pass: StoragePass): Promise<void> {
  const { volumes, attachments, claims } = pass.objects;
  const attached = new Set(attachments.map((a) => a.pvName));
  for (const pv of volumes) {
    if (
      pv.driver !== DRIVER_NAME ||
      pv.volumeHandle === undefined ||
      pv.annotations[PROVISIONED_BY] !== PROVISIONER_NAME ||
      pv.phase !== 'Released' ||
      pv.reclaimPolicy !== 'Delete' ||
      pv.deleting ||
      attached.has(pv.name)
    )
      continue;
    try {
      await pass.driver.deleteVolume({ volume_id: pv.volumeHandle }, pass.signal);
      await pass.client.deleteVolume(pv.name, pass.signal);
      pass.logger.info({ volume: pv.name }, 'released volume deleted');
    } catch (err) {
      pass.signal.throwIfAborted();
      await pass.event(
        { kind: 'PersistentVolume', name: pv.name, uid: pv.uid },
        { type: 'Warning', reason: 'VolumeFailedDelete', message: errorMessage(err) },
      );
    }
  }
  const pvNames = new Set(volumes.map((v) => v.name));
  const claimUids = new Set(claims.map((c) => `pvc-${c.uid}`));
  // Only Delete volumes: a Retain volume outlives its PV by design.
  const deletable = await pass.provider.volumes.list(
    { tags: { ...roleTags(pass.cluster, 'volume'), [RECLAIM_POLICY_TAG]: 'Delete' } },
    pass.signal,
  );
  for (const volume of deletable) {
    if (pvNames.has(volume.name) || claimUids.has(volume.name) || volume.attachment !== null)
      continue;
    await pass.port.delete(volume.id, pass.signal);
    pass.logger.info({ volume: volume.id, name: volume.name }, 'orphaned volume deleted');
  }
}
