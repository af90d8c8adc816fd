/**
 * The CSI Node service on one Berth node: stage = format ext4 once and mount the attached
 * device at the staging path; publish = bind the staging mount (or, for a block volume, the
 * device) into the pod's path; expand = grow the filesystem. Devices arrive in the publish
 * context as the provider's attachment path (`/dev/vdb`), relative to the node's root
 * (`deviceRoot`: on the local provider the server's root directory).
 *
 * Growing ext4 while mounted needs CAP_SYS_RESOURCE. Where the node lacks it, staging grows
 * the filesystem before mounting (after `e2fsck -f`), so a volume expanded while unstaged
 * comes up at its new size; an expand of a mounted one is then refused (FAILED_PRECONDITION).
 */
import path from 'node:path';
import { DEFAULT_FS_TYPE, ZONE_KEY, requireSupported } from './capabilities.js';
import { csiErrors } from './csi-errors.js';
import type { CapacityRange, VolumeCapability } from './messages.js';
import type { MountHost } from './mount-host.js';

export interface NodeOptions {
  host: MountHost;
  /** The node's id as the controller knows it: the provider's server id. */
  nodeId: string;
  zone: string;
  /** Where the provider's device paths are rooted on this node ('/' on a VM). */
  deviceRoot: string;
  /** Devices a node takes: /dev/vdb … /dev/vdz less the root disk. */
  maxVolumes?: number;
}

export const NODE_CAPABILITIES = ['STAGE_UNSTAGE_VOLUME', 'EXPAND_VOLUME'] as const;

interface StageRequest {
  volume_id: string;
  publish_context: Record<string, string>;
  staging_target_path: string;
  volume_capability: VolumeCapability | null;
}

interface PublishRequest extends StageRequest {
  target_path: string;
  readonly: boolean;
}

export class NodeService {
  constructor(private readonly options: NodeOptions) {}

  async stage(req: StageRequest): Promise<object> {
    required(req, 'volume_id', 'staging_target_path');
    requireSupported(req.volume_capability ? [req.volume_capability] : [], 'volume_capability');
    const device = await this.device(req.publish_context);
    if (req.volume_capability?.block) return {}; // a block volume is published from the device
    const { host } = this.options;
    const mounted = await host.mountedAt(req.staging_target_path);
    if (mounted !== undefined) {
      if (mounted.source !== device) {
        throw csiErrors.alreadyExists(
          `${req.staging_target_path} holds ${mounted.source}, not ${device}`,
        );
      }
      return {};
    }
    const fsType = await host.fsType(device);
    if (fsType === '') await host.formatExt4(device);
    else if (fsType !== DEFAULT_FS_TYPE) {
      throw csiErrors.precondition(`${device} holds ${fsType}; the driver mounts ext4 only`);
    } else if ((await host.deviceBytes(device)) > (await host.ext4Bytes(device))) {
      await host.growExt4Offline(device);
    }
    await host.makeDir(req.staging_target_path);
    const flags = req.volume_capability?.mount?.mount_flags ?? [];
    await host.mount(device, req.staging_target_path, DEFAULT_FS_TYPE, flags);
    return {};
  }

  async unstage(req: { volume_id: string; staging_target_path: string }): Promise<object> {
    required(req, 'volume_id', 'staging_target_path');
    const { host } = this.options;
    if ((await host.mountedAt(req.staging_target_path)) !== undefined) {
      await host.unmount(req.staging_target_path);
    }
    return {};
  }

  async publish(req: PublishRequest): Promise<object> {
    required(req, 'volume_id', 'target_path', 'staging_target_path');
    requireSupported(req.volume_capability ? [req.volume_capability] : [], 'volume_capability');
    const { host } = this.options;
    const block = Boolean(req.volume_capability?.block);
    const source = block ? await this.device(req.publish_context) : req.staging_target_path;
    const mounted = await host.mountedAt(req.target_path);
    if (mounted !== undefined) {
      const ro = mounted.options.includes('ro');
      if (ro !== req.readonly) {
        throw csiErrors.alreadyExists(
          `${req.target_path} is published ${ro ? 'read-only' : 'read-write'}`,
        );
      }
      return {};
    }
    if (!block && (await host.mountedAt(req.staging_target_path)) === undefined) {
      throw csiErrors.precondition(
        `volume ${req.volume_id} is not staged at ${req.staging_target_path}`,
      );
    }
    if (block) await host.makeFile(req.target_path);
    else await host.makeDir(req.target_path);
    await host.bind(source, req.target_path, req.readonly);
    return {};
  }

  async unpublish(req: { volume_id: string; target_path: string }): Promise<object> {
    required(req, 'volume_id', 'target_path');
    const { host } = this.options;
    if ((await host.mountedAt(req.target_path)) !== undefined) await host.unmount(req.target_path);
    await host.remove(req.target_path);
    return {};
  }

  async expand(req: {
    volume_id: string;
    volume_path: string;
    capacity_range: CapacityRange | null;
    volume_capability: VolumeCapability | null;
  }): Promise<{ capacity_bytes: string }> {
    required(req, 'volume_id', 'volume_path');
    const { host } = this.options;
    const mounted = await host.mountedAt(req.volume_path);
    if (mounted === undefined) {
      throw csiErrors.notFound('volume path', req.volume_path);
    }
    const device = mounted.source;
    if (
      !req.volume_capability?.block &&
      (await host.ext4Bytes(device)) < (await host.deviceBytes(device))
    ) {
      if (!(await host.growExt4Online(device))) {
        throw csiErrors.precondition(
          `growing mounted ext4 needs CAP_SYS_RESOURCE, which this node lacks; ` +
            `unstage and stage volume ${req.volume_id} again to grow it`,
        );
      }
    }
    return { capacity_bytes: String(await host.deviceBytes(device)) };
  }

  info(): object {
    return {
      node_id: this.options.nodeId,
      max_volumes_per_node: String(this.options.maxVolumes ?? 24),
      accessible_topology: { segments: { [ZONE_KEY]: this.options.zone } },
    };
  }

  /** The attached device's path on this node. @throws when absent from the context or node */
  private async device(context: Record<string, string>): Promise<string> {
    const attached = context.device;
    if (!attached) throw csiErrors.invalid('publish_context', 'publish_context.device is required');
    const device = path.join(this.options.deviceRoot, attached);
    if (!(await this.options.host.isBlockDevice(device))) {
      throw csiErrors.notFound('device', device);
    }
    return device;
  }
}

function required<T extends object>(req: T, ...fields: Array<keyof T & string>): void {
  for (const field of fields) {
    if (!req[field]) throw csiErrors.invalid(field, `${field} is required`);
  }
}
