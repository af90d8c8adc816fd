/**
 * Servers (Nova's model): a flavor, an availability zone, a hypervisor chosen by the provider
 * (respecting the server group's policy), ports with fixed IPs from the subnet's IPAM, security
 * groups, and user data the server's init acts on.
 *
 * Status: a new server is `BUILD` until it runs (`ACTIVE`) or fails (`ERROR`); `stop` leads to
 * `SHUTOFF`, `start` back to `ACTIVE`. Transitions may be asynchronous: callers poll `get`.
 * A server whose processes died unexpectedly is `ERROR` with a `fault`; `reboot` recovers it.
 * Hard-crashing a server on purpose is fault injection and lives only in test providers.
 */
import type { CreateInput, FindInput, IdInput, ListInput, ProviderObject } from './common.js';
import type { UserData } from './user-data.js';

export type ServerStatus = 'BUILD' | 'ACTIVE' | 'SHUTOFF' | 'ERROR';

export interface ServerPort {
  id: string;
  networkId: string;
  subnetId: string;
  fixedIp: string;
  macAddress: string;
}

export interface ServerVolumeAttachment {
  volumeId: string;
  /** e.g. `/dev/vdb`. */
  device: string;
}

export interface ServerFault {
  message: string;
  /** RFC 3339. */
  at: string;
}

export interface Server extends ProviderObject {
  status: ServerStatus;
  flavor: string;
  zone: string;
  /** Where the provider placed it; visible so anti-affinity can be checked. */
  hypervisor: string;
  /** In the order requested. */
  ports: ServerPort[];
  securityGroupIds: string[];
  serverGroupId: string | null;
  /** Free-form key/values (Nova metadata), e.g. the node name a kubelet registers. */
  metadata: Record<string, string>;
  /** `hashUserData(userData)` of what the server was created with. */
  userDataHash: string;
  volumeAttachments: ServerVolumeAttachment[];
  /** Why the server is in `ERROR`; null otherwise. */
  fault: ServerFault | null;
}

export interface ServerPortInput {
  networkId: string;
  /** Default: the network's first subnet. */
  subnetId?: string;
  /** A specific address; `BERTH_ERR_CONFLICT` when taken, `BERTH_ERR_VALIDATION` outside pools. */
  fixedIp?: string;
}

export interface CreateServerInput extends CreateInput {
  /** A name from `catalog.listFlavors`. */
  flavor: string;
  /** A name from `catalog.listZones`. */
  zone: string;
  /** At least one. */
  ports: ServerPortInput[];
  securityGroupIds?: string[];
  serverGroupId?: string;
  /** Default: nothing to write or run. */
  userData?: UserData;
  metadata?: Record<string, string>;
  /**
   * Available volumes in the server's zone, attached (from /dev/vdb, in order) before its
   * services start — a boot-time block device mapping. Default: none.
   */
  volumeIds?: string[];
}

export interface RebuildServerInput {
  id: string;
  /** What the server runs from now on. */
  userData: UserData;
}

export interface ListServersInput extends ListInput {
  serverGroupId?: string;
}

export interface ServerService {
  /**
   * Idempotent by name + tags. `BERTH_ERR_PROVIDER_QUOTA` when no address is left in a subnet,
   * no hypervisor satisfies a hard anti-affinity policy, or a quota is reached; nothing is left
   * behind in that case.
   */
  create(input: CreateServerInput, signal: AbortSignal): Promise<Server>;
  /** @throws BerthError `BERTH_ERR_NOT_FOUND` */
  get(input: IdInput, signal: AbortSignal): Promise<Server>;
  find(input: FindInput, signal: AbortSignal): Promise<Server | undefined>;
  list(input: ListServersInput, signal: AbortSignal): Promise<Server[]>;
  /**
   * Stops it, detaches its volumes, disassociates floating IPs from its ports, frees its
   * addresses and leaves its server group. Missing servers resolve.
   */
  delete(input: IdInput, signal: AbortSignal): Promise<void>;
  /** `SHUTOFF` → `ACTIVE`; no-op when already `ACTIVE`/`BUILD`; `BERTH_ERR_INVALID_STATE` from `ERROR` (use reboot). */
  start(input: IdInput, signal: AbortSignal): Promise<Server>;
  /** → `SHUTOFF`, stopping its services; no-op when already `SHUTOFF`. */
  stop(input: IdInput, signal: AbortSignal): Promise<Server>;
  /** Hard reboot from any status: services restart from user data; → `ACTIVE`, fault cleared. */
  reboot(input: IdInput, signal: AbortSignal): Promise<Server>;
  /**
   * Nova's rebuild of a server whose disk is kept (`preserve_ephemeral`, a volume-backed root):
   * new user data, then a hard reboot. Its id, name, addresses, volumes and disk stay; its
   * services restart from the new user data; `userDataHash` follows. For a server that holds
   * the only copy of something (a lone etcd member) where replacing it would lose that.
   * @throws BerthError `BERTH_ERR_NOT_FOUND`
   */
  rebuild(input: RebuildServerInput, signal: AbortSignal): Promise<Server>;
}
