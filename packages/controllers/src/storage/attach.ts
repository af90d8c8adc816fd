/**
 * Attachment, as upstream's external-attacher does it: Kubernetes' attach-detach controller
 * writes a VolumeAttachment for each (volume, node) a pod needs; Berth publishes it through the
 * driver (the provider attaches the volume to the node's server) and reports
 * `status.attached` with the device in `attachmentMetadata`, which kubelet hands the node
 * plugin. A deleted VolumeAttachment is unpublished before its finalizer goes — forced when its
 * node is fenced, since a dead server cannot release its device.
 */
import { DRIVER_NAME } from '@berth/csi';
import type { AttachmentView } from '@berth/controller-ports';
import { errorMessage } from '../failures.js';
import { volumeCapability, type StoragePass } from './pass.js';

export async function attachPhase(pass: StoragePass): Promise<void> {
  for (const va of pass.objects.attachments.filter((a) => a.attacher === DRIVER_NAME)) {
    try {
      if (va.deleting) await detach(pass, va);
      else if (!va.attached) await attach(pass, va);
    } catch (err) {
      pass.signal.throwIfAborted();
      const message = errorMessage(err);
      if (!va.deleting)
        await pass.client.setAttachmentStatus(
          va.name,
          { attached: false, error: message },
          pass.signal,
        );
      await pass.event(
        { kind: 'VolumeAttachment', name: va.name, uid: va.uid },
        { type: 'Warning', reason: va.deleting ? 'DetachFailed' : 'AttachFailed', message },
      );
    }
  }
}

async function attach(pass: StoragePass, va: AttachmentView): Promise<void> {
  const { volume, nodeId } = targets(pass, va);
  if (!va.hasFinalizer) await pass.client.setAttachmentFinalizer(va.name, true, pass.signal);
  const { publish_context } = await pass.driver.publish(
    {
      volume_id: volume.volumeHandle!,
      node_id: nodeId,
      volume_capability: volumeCapability(volume.accessModes, volume.volumeMode) as never,
    },
    pass.signal,
  );
  await pass.client.setAttachmentStatus(
    va.name,
    { attached: true, metadata: publish_context },
    pass.signal,
  );
  pass.forget(va);
  pass.logger.info({ attachment: va.name, node: va.nodeName }, 'volume attached');
}

async function detach(pass: StoragePass, va: AttachmentView): Promise<void> {
  if (!va.hasFinalizer) return;
  const volume = pass.objects.volumes.find((v) => v.name === va.pvName);
  const node = pass.objects.nodes.find((n) => n.name === va.nodeName);
  if (volume?.volumeHandle !== undefined) {
    const force = node === undefined || node.outOfService;
    const nodeId = node?.csiNodeId ?? '';
    await pass.driver.unpublish(
      { volume_id: volume.volumeHandle, node_id: nodeId },
      pass.signal,
      force,
    );
  }
  await pass.client.setAttachmentFinalizer(va.name, false, pass.signal);
  pass.logger.info({ attachment: va.name, node: va.nodeName }, 'volume detached');
}

function targets(pass: StoragePass, va: AttachmentView) {
  const volume = pass.objects.volumes.find((v) => v.name === va.pvName);
  if (volume?.volumeHandle === undefined)
    throw new Error(`persistent volume ${va.pvName ?? '(none)'} is not one of this driver's`);
  const nodeId = pass.objects.nodes.find((n) => n.name === va.nodeName)?.csiNodeId;
  if (nodeId === undefined)
    throw new Error(`node ${va.nodeName} has not registered the ${DRIVER_NAME} driver yet`);
  return { volume, nodeId };
}
