/**
 * What the local provider keeps per object beyond the API shape. API objects are stored as they
 * are returned; the `local` part never leaves the provider (user data and TLS keys are secrets).
 */
import type {
  FloatingIp,
  HealthMonitor,
  Listener,
  LoadBalancer,
  Member,
  Network,
  Pool,
  Router,
  SecurityGroup,
  Server,
  ServerGroup,
  Subnet,
  TlsCertificateInput,
  UserData,
  Volume,
} from '@berth/provider-api';
import type { LocalInventory } from '../inventory/inventory.js';
import { Repo } from './repo.js';

/** A port: an address on a subnet held by a server, a router leg, a VIP or an amphora. */
export interface PortRecord {
  id: string;
  networkId: string;
  subnetId: string;
  fixedIp: string;
  macAddress: string;
  owner: { kind: 'server' | 'router' | 'lb-vip' | 'amphora'; id: string };
}

export interface ServerLocal {
  /** What the owner asked for: running or stopped. */
  power: 'on' | 'off';
  /** Namespace, port and agent are in place (false while BUILD or after a failed build). */
  provisioned: boolean;
  userData: UserData;
  /** Why the last provisioning failed, if it did. */
  buildError?: string;
}

export interface AmphoraLocal {
  id: string;
  portId: string;
  ip: string;
  role: 'SINGLE' | 'MASTER' | 'BACKUP';
}

export interface LoadBalancerLocal {
  amphorae: AmphoraLocal[];
  /** Why the last configuration change failed to apply; the LB is ERROR while set. */
  applyError?: string;
}

export interface ListenerLocal {
  tls?: TlsCertificateInput;
}

export interface VolumeLocal {
  file: string;
}

type None = Record<string, never>;

export interface Repos {
  networks: Repo<Network, None>;
  subnets: Repo<Subnet, None>;
  ports: Repo<PortRecord, None>;
  routers: Repo<Router, None>;
  servers: Repo<Server, ServerLocal>;
  serverGroups: Repo<ServerGroup, None>;
  securityGroups: Repo<SecurityGroup, None>;
  floatingIps: Repo<FloatingIp, None>;
  volumes: Repo<Volume, VolumeLocal>;
  loadBalancers: Repo<LoadBalancer, LoadBalancerLocal>;
  listeners: Repo<Listener, ListenerLocal>;
  pools: Repo<Pool, None>;
  members: Repo<Member, None>;
  monitors: Repo<HealthMonitor, None>;
}

export function createRepos(inventory: LocalInventory): Repos {
  return {
    networks: new Repo(inventory, 'Network'),
    subnets: new Repo(inventory, 'Subnet'),
    ports: new Repo(inventory, 'Port'),
    routers: new Repo(inventory, 'Router'),
    servers: new Repo(inventory, 'Server'),
    serverGroups: new Repo(inventory, 'ServerGroup'),
    securityGroups: new Repo(inventory, 'SecurityGroup'),
    floatingIps: new Repo(inventory, 'FloatingIp'),
    volumes: new Repo(inventory, 'Volume'),
    loadBalancers: new Repo(inventory, 'LoadBalancer'),
    listeners: new Repo(inventory, 'Listener'),
    pools: new Repo(inventory, 'Pool'),
    members: new Repo(inventory, 'Member'),
    monitors: new Repo(inventory, 'HealthMonitor'),
  };
}

export const NONE: None = {};
