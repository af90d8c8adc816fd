/**
 * The parts of CSI's messages the driver reads and writes, as the proto loader hands them over
 * (see proto.ts): snake_case names, int64 as decimal strings, enums by name.
 */

export type AccessMode =
  | 'UNKNOWN'
  | 'SINGLE_NODE_WRITER'
  | 'SINGLE_NODE_READER_ONLY'
  | 'MULTI_NODE_READER_ONLY'
  | 'MULTI_NODE_SINGLE_WRITER'
  | 'MULTI_NODE_MULTI_WRITER'
  | 'SINGLE_NODE_SINGLE_WRITER'
  | 'SINGLE_NODE_MULTI_WRITER';

export interface VolumeCapability {
  block?: Record<string, never> | null;
  mount?: { fs_type: string; mount_flags: string[]; volume_mount_group?: string } | null;
  access_mode?: { mode: AccessMode } | null;
}

export interface CapacityRange {
  required_bytes: string;
  limit_bytes: string;
}

export interface Topology {
  segments: Record<string, string>;
}

export interface CreateVolumeRequest {
  name: string;
  capacity_range: CapacityRange | null;
  volume_capabilities: VolumeCapability[];
  parameters: Record<string, string>;
  volume_content_source: unknown;
  accessibility_requirements: { requisite: Topology[]; preferred: Topology[] } | null;
}

export interface CsiVolume {
  volume_id: string;
  capacity_bytes: string;
  volume_context: Record<string, string>;
  accessible_topology: Topology[];
}
