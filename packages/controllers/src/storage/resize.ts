/**
 * Expansion, as upstream's external-resizer does it (with Kubernetes' recoverable resize
 * status): a bound claim asking for more than its PV holds is marked
 * `ControllerResizeInProgress`, its volume grows through ControllerExpandVolume, the PV takes
 * the new capacity, and the claim is handed to kubelet as `NodeResizePending` (kubelet grows the
 * filesystem and records the new capacity). A size the volume type cannot reach is
 * `ControllerResizeInfeasible` with a `VolumeResizeFailed` event; the user may ask again.
 */
import { DRIVER_NAME } from '@berth/csi';
import { BerthError } from '@berth/errors';
import type { ClaimView, VolumeView } from '@berth/controller-ports';
import { errorMessage } from '../failures.js';
import { claimRef, volumeCapability, type StoragePass } from './pass.js';

export async function resizePhase(pass: StoragePass): Promise<void> {
  const { claims, volumes, classes } = pass.objects;
  for (const claim of claims) {
    const pv = volumes.find((v) => v.name === claim.volumeName);
    if (claim.phase !== 'Bound' || pv?.driver !== DRIVER_NAME || pv.volumeHandle === undefined)
      continue;
    if (claim.requestBytes <= pv.capacityBytes) {
      // The user took back a request the volume could not reach: the resize is over.
      if (claim.resizeStatus === 'ControllerResizeInfeasible')
        await pass.client.setClaimResize(
          claim,
          { allocatedBytes: pv.capacityBytes, capacityBytes: pv.capacityBytes },
          pass.signal,
        );
      continue;
    }
    if (!classes.find((c) => c.name === claim.storageClassName)?.allowVolumeExpansion) continue;
    // Already refused at this size: wait for the user to change the request.
    if (
      claim.resizeStatus === 'ControllerResizeInfeasible' &&
      claim.allocatedBytes === claim.requestBytes
    )
      continue;
    await resize(pass, claim, pv);
  }
}

async function resize(pass: StoragePass, claim: ClaimView, pv: VolumeView): Promise<void> {
  const { client, signal } = pass;
  const allocatedBytes = claim.requestBytes;
  await client.setClaimResize(
    claim,
    { allocatedBytes, status: 'ControllerResizeInProgress' },
    signal,
  );
  try {
    const grown = await pass.driver.expand(
      {
        volume_id: pv.volumeHandle!,
        capacity_range: { required_bytes: String(allocatedBytes), limit_bytes: '0' },
        volume_capability: volumeCapability(pv.accessModes, pv.volumeMode) as never,
      },
      signal,
    );
    const bytes = Number(grown.capacity_bytes);
    await client.setVolumeCapacity(pv.name, bytes, signal);
    await client.setClaimResize(
      claim,
      grown.node_expansion_required
        ? { allocatedBytes, status: 'NodeResizePending' }
        : { allocatedBytes, capacityBytes: bytes },
      signal,
    );
    pass.forget(claim);
    await pass.event(claimRef(claim), {
      type: 'Normal',
      reason: 'VolumeResizeSuccessful',
      message: `volume ${pv.name} grown to ${bytes} bytes${grown.node_expansion_required ? '; the node grows its filesystem' : ''}`,
    });
  } catch (err) {
    signal.throwIfAborted();
    const final = err instanceof BerthError && !err.retryable;
    await client.setClaimResize(
      claim,
      {
        allocatedBytes,
        status: final ? 'ControllerResizeInfeasible' : 'ControllerResizeInProgress',
      },
      signal,
    );
    await pass.event(claimRef(claim), {
      type: 'Warning',
      reason: 'VolumeResizeFailed',
      message: `resizing ${pv.name}: ${errorMessage(err)}`,
    });
  }
}
