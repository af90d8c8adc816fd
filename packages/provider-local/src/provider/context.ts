/**
 * Everything the local provider's services share, built once by `createLocalProvider`: the
 * inventory and its typed repos, IPAM, the host topology, the agent controller, the catalog,
 * and the writer lock.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import type { CommandRunner } from '@berth/exec';
import type { AgentController } from '../agent/agent-control.js';
import type { LocalInventory } from '../inventory/inventory.js';
import type { Ipam } from '../inventory/ipam.js';
import type { Topology } from '../topology/topology.js';
import type { LocalCatalog } from './catalog.js';
import type { Mutex } from './mutex.js';
import type { Repos } from './records.js';
import type { Machines } from '../machine/machine.js';

export interface ProviderContext {
  dataDir: string;
  runner: CommandRunner;
  inventory: LocalInventory;
  repos: Repos;
  ipam: Ipam;
  topology: Topology;
  agents: AgentController;
  /** Servers' mount namespaces and cgroups. */
  machines: Machines;
  catalog: LocalCatalog;
  lock: Mutex;
  /** Ids of the external network and its subnet, made by the provider at start. */
  external: { networkId: string; subnetId: string };
  /** RFC 3339 timestamp for createdAt and attachment times. */
  now(): string;
}

export function newId(): string {
  return randomUUID();
}

/** A locally administered unicast MAC (first octet 0xfa), as Neutron's fa:16:3e… are. */
export function newMac(): string {
  return ['fa', ...[...randomBytes(5)].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

export function serverDir(ctx: ProviderContext, serverId: string): string {
  return path.join(ctx.dataDir, 'servers', serverId);
}

export function amphoraDir(ctx: ProviderContext, amphoraId: string): string {
  return path.join(ctx.dataDir, 'amphorae', amphoraId);
}

/** Rejects at once when `signal` is aborted, then runs `fn` under the writer lock. */
export async function mutate<T>(
  ctx: ProviderContext,
  signal: AbortSignal,
  fn: () => Promise<T>,
): Promise<T> {
  signal.throwIfAborted();
  return ctx.lock.run(async () => {
    signal.throwIfAborted();
    return fn();
  });
}

/** Rejects at once when `signal` is aborted, then runs `fn` without the lock. */
export async function read<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  signal.throwIfAborted();
  return fn();
}
