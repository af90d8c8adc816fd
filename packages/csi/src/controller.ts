/**
 * The CSI Controller service over the volume port: create with a zone from the topology
 * requirement, delete, publish = attach, unpublish = detach, expand, validate capabilities and
 * list. Requests arrive as the proto loader decodes them (messages.ts); every call is safe to
 * repeat, as the spec requires.
 */
import type { VolumeType } from '@berth/provider-api';
import {
  GIB,
  ZONE_KEY,
  requireSupported,
  requireWellFormed,
  sizeGbFor,
  unsupportedReason,
} from './capabilities.js';
import { csiErrors } from './csi-errors.js';
import type {
  CapacityRange,
  CreateVolumeRequest,
  CsiVolume,
  Topology,
  VolumeCapability,
} from './messages.js';
import type { PortVolume, VolumePort } from './volume-port.js';

export interface ControllerOptions {
  port: VolumePort;
  /** The volume type when a StorageClass names none (parameter `type`). */
  defaultVolumeType: string;
}

/** The StorageClass parameter naming the volume type. */
export const TYPE_PARAMETER = 'type';

/** Berth's provisioner passes the StorageClass's reclaim policy (kept as this tag). */
export const RECLAIM_POLICY_TAG = 'berth.dev/reclaim-policy';

/**
 * The parameters a Kubernetes provisioner adds about the claim (upstream's
 * `--extra-create-metadata` keys), kept with the volume as these tags.
 */
export const CLAIM_PARAMETER_TAGS: Readonly<Record<string, string>> = {
  'csi.storage.k8s.io/pvc/namespace': 'berth.dev/pvc-namespace',
  'csi.storage.k8s.io/pvc/name': 'berth.dev/pvc-name',
  'csi.storage.k8s.io/pv/name': 'berth.dev/pv-name',
  [RECLAIM_POLICY_TAG]: RECLAIM_POLICY_TAG,
};

function claimLabels(parameters: Record<string, string>): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [parameter, tag] of Object.entries(CLAIM_PARAMETER_TAGS)) {
    const value = parameters[parameter];
    if (value !== undefined && value !== '') labels[tag] = value;
  }
  return labels;
}

export const CONTROLLER_CAPABILITIES = [
  'CREATE_DELETE_VOLUME',
  'PUBLISH_UNPUBLISH_VOLUME',
  'LIST_VOLUMES',
  'LIST_VOLUMES_PUBLISHED_NODES',
  'EXPAND_VOLUME',
] as const;

export class ControllerService {
  constructor(private readonly options: ControllerOptions) {}

  async createVolume(
    req: CreateVolumeRequest,
    signal: AbortSignal,
  ): Promise<{ volume: CsiVolume }> {
    if (!req.name) throw csiErrors.invalid('name', 'name is required');
    requireSupported(req.volume_capabilities, 'volume_capabilities');
    if (req.volume_content_source) {
      throw csiErrors.invalid('volume_content_source', 'snapshots and clones are not offered yet');
    }
    const type = await this.volumeType(req.parameters[TYPE_PARAMETER], signal);
    const sizeGb = sizeGbFor(req.capacity_range);
    if (sizeGb > type.maxSizeGb) {
      throw csiErrors.outOfRange(`${type.name} volumes are at most ${type.maxSizeGb} GiB`);
    }
    const zone = await this.zoneFor(req.accessibility_requirements, signal);
    const existing = (await this.options.port.list(signal)).find((v) => v.name === req.name);
    if (existing !== undefined) {
      assertSame(existing, { volumeType: type.name, zone }, req.capacity_range);
      return { volume: csiVolume(existing) };
    }
    const created = await this.options.port.create(
      { name: req.name, volumeType: type.name, sizeGb, zone, labels: claimLabels(req.parameters) },
      signal,
    );
    return { volume: csiVolume(created) };
  }

  async deleteVolume(req: { volume_id: string }, signal: AbortSignal): Promise<object> {
    if (!req.volume_id) throw csiErrors.invalid('volume_id', 'volume_id is required');
    await this.options.port.delete(req.volume_id, signal);
    return {};
  }

  async publish(
    req: { volume_id: string; node_id: string; volume_capability: VolumeCapability | null },
    signal: AbortSignal,
  ): Promise<{ publish_context: Record<string, string> }> {
    if (!req.volume_id) throw csiErrors.invalid('volume_id', 'volume_id is required');
    if (!req.node_id) throw csiErrors.invalid('node_id', 'node_id is required');
    requireSupported(req.volume_capability ? [req.volume_capability] : [], 'volume_capability');
    const { port } = this.options;
    const volume = await port.get(req.volume_id, signal);
    if (volume === undefined) throw csiErrors.notFound('volume', req.volume_id);
    if (!(await port.nodeExists(req.node_id, signal)))
      throw csiErrors.notFound('node', req.node_id);
    if (volume.attachedTo !== null && volume.attachedTo !== req.node_id) {
      throw csiErrors.precondition(
        `volume ${req.volume_id} is published on node ${volume.attachedTo}; one node at a time`,
      );
    }
    const { device } = await port.attach(req.volume_id, req.node_id, signal);
    return { publish_context: { device } };
  }

  /** `force` (not in CSI: Berth's own call for a fenced node) detaches even while in use. */
  async unpublish(
    req: { volume_id: string; node_id: string },
    signal: AbortSignal,
    force = false,
  ): Promise<object> {
    if (!req.volume_id) throw csiErrors.invalid('volume_id', 'volume_id is required');
    const volume = await this.options.port.get(req.volume_id, signal);
    if (volume?.attachedTo == null) return {};
    if (req.node_id && volume.attachedTo !== req.node_id) return {};
    await this.options.port.detach(req.volume_id, volume.attachedTo, signal, force);
    return {};
  }

  async validateCapabilities(
    req: {
      volume_id: string;
      volume_capabilities: VolumeCapability[];
      volume_context: Record<string, string>;
      parameters: Record<string, string>;
    },
    signal: AbortSignal,
  ): Promise<object> {
    if (!req.volume_id) throw csiErrors.invalid('volume_id', 'volume_id is required');
    if (req.volume_capabilities.length === 0) {
      throw csiErrors.invalid('volume_capabilities', 'volume_capabilities is required');
    }
    req.volume_capabilities.forEach((c, i) => requireWellFormed(c, `volume_capabilities[${i}]`));
    if ((await this.options.port.get(req.volume_id, signal)) === undefined) {
      throw csiErrors.notFound('volume', req.volume_id);
    }
    const reasons = req.volume_capabilities.map(unsupportedReason).filter((r) => r !== undefined);
    if (reasons.length > 0) return { message: reasons.join('; ') };
    return {
      confirmed: {
        volume_context: req.volume_context,
        volume_capabilities: req.volume_capabilities,
        parameters: req.parameters,
      },
    };
  }

  /** Pages by position: the token is the index of the next entry (ABORTED when not ours). */
  async listVolumes(
    req: { max_entries: number; starting_token: string },
    signal: AbortSignal,
  ): Promise<object> {
    if (req.max_entries < 0) throw csiErrors.invalid('max_entries', 'max_entries must be ≥ 0');
    const all = await this.options.port.list(signal);
    const start = req.starting_token === '' ? 0 : Number(req.starting_token);
    if (!Number.isInteger(start) || start < 0 || start > all.length) {
      throw csiErrors.badToken(req.starting_token);
    }
    const end = req.max_entries > 0 ? Math.min(all.length, start + req.max_entries) : all.length;
    return {
      entries: all.slice(start, end).map((v) => ({
        volume: csiVolume(v),
        status: { published_node_ids: v.attachedTo === null ? [] : [v.attachedTo] },
      })),
      next_token: end < all.length ? String(end) : '',
    };
  }

  async expand(
    req: {
      volume_id: string;
      capacity_range: CapacityRange | null;
      volume_capability: VolumeCapability | null;
    },
    signal: AbortSignal,
  ): Promise<{ capacity_bytes: string; node_expansion_required: boolean }> {
    if (!req.volume_id) throw csiErrors.invalid('volume_id', 'volume_id is required');
    if (req.capacity_range === null) {
      throw csiErrors.invalid('capacity_range', 'capacity_range is required');
    }
    const { port } = this.options;
    const volume = await port.get(req.volume_id, signal);
    if (volume === undefined) throw csiErrors.notFound('volume', req.volume_id);
    const sizeGb = sizeGbFor(req.capacity_range);
    const type = await this.volumeType(volume.volumeType, signal);
    if (sizeGb > type.maxSizeGb) {
      throw csiErrors.outOfRange(`${type.name} volumes are at most ${type.maxSizeGb} GiB`);
    }
    // A smaller request than the volume already is: nothing shrinks, the size is reported.
    const grown = sizeGb > volume.sizeGb ? await port.extend(volume.id, sizeGb, signal) : volume;
    return {
      capacity_bytes: String(grown.sizeGb * GIB),
      node_expansion_required: !req.volume_capability?.block,
    };
  }

  private async volumeType(name: string | undefined, signal: AbortSignal): Promise<VolumeType> {
    const wanted = name ?? this.options.defaultVolumeType;
    const types = await this.options.port.volumeTypes(signal);
    const type = types.find((t) => t.name === wanted);
    if (type === undefined) {
      throw csiErrors.invalid(
        `parameters.${TYPE_PARAMETER}`,
        `unknown volume type "${wanted}"; offered: ${types.map((t) => t.name).join(', ')}`,
      );
    }
    return type;
  }

  /**
   * The first preferred, then requisite, topology's zone; with none given, the first zone.
   * @throws `BERTH_ERR_VALIDATION` when the requirement names only zones that do not exist
   */
  private async zoneFor(
    req: { requisite: Topology[]; preferred: Topology[] } | null,
    signal: AbortSignal,
  ): Promise<string> {
    const zones = await this.options.port.zones(signal);
    const wanted = [...(req?.preferred ?? []), ...(req?.requisite ?? [])]
      .map((t) => t.segments[ZONE_KEY])
      .filter((z): z is string => z !== undefined);
    if (wanted.length === 0) {
      if (zones[0] === undefined) throw csiErrors.precondition('the cloud offers no zone');
      return zones[0];
    }
    const zone = wanted.find((z) => zones.includes(z));
    if (zone === undefined) {
      throw csiErrors.invalid(
        'accessibility_requirements',
        `no such zone: ${[...new Set(wanted)].join(', ')}; zones: ${zones.join(', ')}`,
      );
    }
    return zone;
  }
}

function assertSame(
  existing: PortVolume,
  wanted: { volumeType: string; zone: string },
  range: CapacityRange | null,
): void {
  const bytes = existing.sizeGb * GIB;
  const required = Number(range?.required_bytes ?? '0');
  const limit = Number(range?.limit_bytes ?? '0');
  const fits = bytes >= required && (limit === 0 || bytes <= limit);
  if (!fits || existing.volumeType !== wanted.volumeType || existing.zone !== wanted.zone) {
    throw csiErrors.alreadyExists(
      `volume "${existing.name}" exists with ${existing.sizeGb} GiB ${existing.volumeType} in ${existing.zone}`,
    );
  }
}

export function csiVolume(volume: PortVolume): CsiVolume {
  return {
    volume_id: volume.id,
    capacity_bytes: String(volume.sizeGb * GIB),
    volume_context: { [TYPE_PARAMETER]: volume.volumeType },
    accessible_topology: [{ segments: { [ZONE_KEY]: volume.zone } }],
  };
}
