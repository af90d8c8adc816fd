/**
 * The memory provider's whole world as one JSON-serialisable value, and its persistence: written
 * atomically (temp file + rename) so a `kill -9` at any moment leaves either the previous or the
 * next state on disk, never a torn file. (Not fsynced: survives process death, not power loss.)
 */
import fs from 'node:fs';
import path from 'node:path';
import type {
  HealthMonitor,
  Listener,
  LoadBalancer,
  Member,
  Network,
  Pool,
  ProviderObject,
  RouterGateway,
  RouterInterface,
  RouterRoute,
  SecurityGroup,
  Server,
  ServerGroupPolicy,
  Subnet,
  UserData,
  Volume,
  FloatingIp,
} from '@berth/provider-api';
import { indexedTable } from './indexed-table.js';

type LbStatusFields = 'provisioningStatus' | 'operatingStatus';

/** Reads left during which a new object reports its transitional status (BUILD, PENDING_CREATE…). */
interface Settling {
  pendingReads: number;
}

export type NetworkRecord = Omit<Network, 'status' | 'subnetIds'>;
export type SubnetRecord = Subnet;
export interface RouterRecord extends ProviderObject {
  externalGateway: RouterGateway | null;
  interfaces: RouterInterface[];
  routes: RouterRoute[];
}
export interface ServerRecord
  extends Omit<Server, 'status' | 'userDataHash' | 'volumeAttachments'>, Settling {
  status: 'ACTIVE' | 'SHUTOFF' | 'ERROR';
  userData: UserData;
}
export interface ServerGroupRecord extends ProviderObject {
  policy: ServerGroupPolicy;
}
export type SecurityGroupRecord = SecurityGroup;
export type LoadBalancerRecord = Omit<LoadBalancer, LbStatusFields | 'listenerIds' | 'poolIds'> &
  Settling;
export type ListenerRecord = Omit<Listener, LbStatusFields> & { tlsPrivateKeyPem: string | null };
export type PoolRecord = Omit<
  Pool,
  LbStatusFields | 'listenerId' | 'memberIds' | 'healthMonitorId'
>;
export type MemberRecord = Omit<Member, LbStatusFields>;
export type HealthMonitorRecord = Omit<HealthMonitor, LbStatusFields>;
export type VolumeRecord = Omit<Volume, 'status'> &
  Settling & {
    /** Reads left that show `extending` after an extend (as `pendingReads` for create). */
    extendingReads?: number;
  };
export type FloatingIpRecord = Omit<FloatingIp, 'status'>;

export interface MemoryState {
  version: 1;
  /** Last number used for an id; ids never repeat, also across restarts. */
  lastId: number;
  networks: Record<string, NetworkRecord>;
  subnets: Record<string, SubnetRecord>;
  routers: Record<string, RouterRecord>;
  servers: Record<string, ServerRecord>;
  serverGroups: Record<string, ServerGroupRecord>;
  securityGroups: Record<string, SecurityGroupRecord>;
  loadBalancers: Record<string, LoadBalancerRecord>;
  listeners: Record<string, ListenerRecord>;
  pools: Record<string, PoolRecord>;
  members: Record<string, MemberRecord>;
  healthMonitors: Record<string, HealthMonitorRecord>;
  volumes: Record<string, VolumeRecord>;
  floatingIps: Record<string, FloatingIpRecord>;
}

export function emptyState(): MemoryState {
  return {
    version: 1,
    lastId: 0,
    networks: {},
    subnets: {},
    routers: {},
    servers: {},
    serverGroups: {},
    securityGroups: {},
    loadBalancers: {},
    listeners: {},
    pools: {},
    members: {},
    healthMonitors: {},
    volumes: {},
    floatingIps: {},
  };
}

/** The saved state, or undefined when the file does not exist. Throws on a corrupt file. */
export function loadState(file: string): MemoryState | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const state = JSON.parse(text) as MemoryState;
  if (state.version !== 1)
    throw new Error(`${file}: unsupported state version ${String(state.version)}`);
  // Routers stored before static routes existed have none.
  for (const router of Object.values(state.routers ?? {})) router.routes ??= [];
  return { ...emptyState(), ...state };
}

/** Writes `state` to `file` atomically, creating the directory if needed. */
export function saveState(file: string, state: MemoryState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(state), { mode: 0o600 });
  fs.renameSync(temp, file);
}

/**
 * The state with every object table indexed (see indexed-table.ts). Servers, load balancers and
 * floating IPs also index the addresses they hold; routers' legs change in place, so they are
 * read directly.
 */
export function indexState(state: MemoryState): MemoryState {
  const subnets = indexedTable(state.subnets, { fields: ['networkId'] });
  return {
    version: state.version,
    lastId: state.lastId,
    networks: indexedTable(state.networks),
    subnets,
    // Legs change in place: routers.ts re-indexes a router after changing them.
    routers: indexedTable(state.routers, {
      addressesOf: (r) => [
        ...(r.externalGateway
          ? [{ networkId: r.externalGateway.networkId, ip: r.externalGateway.ip }]
          : []),
        ...r.interfaces.flatMap((leg) => {
          const networkId = subnets[leg.subnetId]?.networkId;
          return networkId === undefined ? [] : [{ networkId, ip: leg.ip }];
        }),
      ],
      lookups: { subnet: (r) => r.interfaces.map((leg) => leg.subnetId) },
    }),
    servers: indexedTable(state.servers, {
      addressesOf: (s) => s.ports.map((p) => ({ networkId: p.networkId, ip: p.fixedIp })),
      fields: ['hypervisor', 'serverGroupId'],
      lookups: { port: (s) => s.ports.map((p) => p.id) },
    }),
    serverGroups: indexedTable(state.serverGroups),
    securityGroups: indexedTable(state.securityGroups),
    loadBalancers: indexedTable(state.loadBalancers, {
      addressesOf: (lb) => [{ networkId: lb.vipNetworkId, ip: lb.vipAddress }],
      fields: ['vipPortId'],
    }),
    listeners: indexedTable(state.listeners, { fields: ['loadBalancerId'] }),
    pools: indexedTable(state.pools, { fields: ['loadBalancerId'] }),
    members: indexedTable(state.members, { fields: ['poolId'] }),
    healthMonitors: indexedTable(state.healthMonitors, { fields: ['poolId'] }),
    volumes: indexedTable(state.volumes),
    floatingIps: indexedTable(state.floatingIps, {
      addressesOf: (f) => [{ networkId: f.floatingNetworkId, ip: f.address }],
    }),
  };
}
