/**
 * The narrow port the Controller service drives: Berth's volumes as the driver needs them.
 * `provider-volumes.ts` implements it on an `InfraProvider`; tests may use that over the
 * memory provider. Every method is safe to repeat.
 */
import type { VolumeType } from '@berth/provider-api';

export interface PortVolume {
  id: string;
  /** The CSI name it was created under. */
  name: string;
  volumeType: string;
  sizeGb: number;
  zone: string;
  /** Node (server) id while attached. */
  attachedTo: string | null;
  /** The device inside that node, e.g. `/dev/vdb`. */
  device: string | null;
}

export interface CreatePortVolume {
  name: string;
  volumeType: string;
  sizeGb: number;
  zone: string;
  /** What the volume is for (its claim and PV), kept with it: see `claimTags`. */
  labels?: Record<string, string>;
}

export interface VolumePort {
  /** Returns the volume already created under `name` unchanged, if any (the caller compares). */
  create(input: CreatePortVolume, signal: AbortSignal): Promise<PortVolume>;
  get(id: string, signal: AbortSignal): Promise<PortVolume | undefined>;
  /** The driver's volumes, oldest first. */
  list(signal: AbortSignal): Promise<PortVolume[]>;
  /** Resolves when gone (also when it never existed). @throws `BERTH_ERR_CONFLICT` attached */
  delete(id: string, signal: AbortSignal): Promise<void>;
  /**
   * Attaches and resolves once the device is in the node.
   * @throws `BERTH_ERR_CONFLICT` attached to another node, `BERTH_ERR_VALIDATION` other zone,
   * `BERTH_ERR_NOT_FOUND` no such volume or node
   */
  attach(id: string, nodeId: string, signal: AbortSignal): Promise<{ device: string }>;
  /**
   * Detaches from `nodeId` only; a volume attached elsewhere or gone is left alone. `force`
   * takes it even while the node uses it (a dead node's, fenced).
   */
  detach(id: string, nodeId: string, signal: AbortSignal, force?: boolean): Promise<void>;
  /** Grows to `sizeGb` and resolves once settled. */
  extend(id: string, sizeGb: number, signal: AbortSignal): Promise<PortVolume>;
  nodeExists(nodeId: string, signal: AbortSignal): Promise<boolean>;
  volumeTypes(signal: AbortSignal): Promise<VolumeType[]>;
  zones(signal: AbortSignal): Promise<string[]>;
}
