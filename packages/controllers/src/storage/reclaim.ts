/**
 * Reclaiming, as upstream's external-provisioner deletes: a PV Berth provisioned whose claim is
 * gone (Released) with reclaim policy Delete loses its volume (DeleteVolume; refused while still
 * attached, so retried next pass), then the PV itself. A Retain PV is left alone, its volume
 * kept. A volume this controller made whose PV could not be written, and whose claim is gone
 * since, is deleted too, so nothing half-created stays. (Only those it knows to be such: a volume
 * merely without PV may be one an admin retained by hand — `kubectl patch pv … Retain` and the PV
 * deleted — and is never touched.)
 */
import { DRIVER_NAME, PROVISIONER_NAME } from '@berth/csi';
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
  for (const name of [...pass.unwritten]) {
    if (pvNames.has(name)) pass.unwritten.delete(name);
    else if (!claimUids.has(name)) {
      const volume = (await pass.port.list(pass.signal)).find((v) => v.name === name);
      if (volume !== undefined) await pass.port.delete(volume.id, pass.signal);
      pass.unwritten.delete(name);
      pass.logger.info({ volume: volume?.id, name }, 'volume of a vanished claim deleted');
    }
  }
}
