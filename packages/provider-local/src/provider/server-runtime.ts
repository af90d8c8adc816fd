/**
 * The host side of a server: its namespace and ports, its firewall, and its agent. A server's
 * status is read from the host, not stored: an ACTIVE server whose agent is gone (crashed,
 * killed, host rebooted) reads as ERROR with a fault until it is rebooted.
 */
import fs from 'node:fs';
import { providerErrors, type Server } from '@berth/provider-api';
import { toAgentUserData } from './agent-user-data.js';

const neverAborted = new AbortController().signal;
import { serverDir, type ProviderContext } from './context.js';
import type { FirewallSync } from './firewall-sync.js';
import type { ServerLocal } from './records.js';
import { VolumeDevices } from './volume-devices.js';
import type { Entry } from './repo.js';

export class ServerRuntime {
  constructor(
    private readonly ctx: ProviderContext,
    private readonly firewall: FirewallSync,
  ) {}

  /** Wires ports and firewall, then starts the agent when the server should run. Idempotent. */
  async provision(serverId: string, signal?: AbortSignal): Promise<void> {
    const entry = await this.ctx.repos.servers.require(serverId);
    const { topology } = this.ctx;
    for (const [index, port] of entry.obj.ports.entries()) {
      const subnet = (await this.ctx.repos.subnets.require(port.subnetId)).obj;
      await topology.ensureServerPort(
        {
          serverId,
          portId: port.id,
          iface: `eth${index}`,
          defaultRoute: index === 0,
          networkId: port.networkId,
          ip: port.fixedIp,
          cidr: subnet.cidr,
          gatewayIp: subnet.gatewayIp,
        },
        signal,
      );
    }
    await this.firewall.syncServer(serverId, signal);
    if (entry.local.power === 'on') await this.startAgent(entry, signal);
    await this.ctx.repos.servers.update(serverId, (e) => {
      e.local.provisioned = true;
      delete e.local.buildError;
    });
  }

  /**
   * Boots the machine (mount namespace, cgroup sized to the flavor) and starts its agent there,
   * unless a verified agent runs already.
   */
  async startAgent(entry: Entry<Server, ServerLocal>, signal?: AbortSignal): Promise<void> {
    const dir = serverDir(this.ctx, entry.obj.id);
    if (this.ctx.agents.find(dir) !== undefined) return;
    const flavor = await this.ctx.catalog.getFlavor({ name: entry.obj.flavor }, neverAborted);
    const machine = await this.ctx.machines.boot(entry.obj.id, dir, flavor, signal);
    // Attached volumes show in the new mount namespace before anything in the server starts.
    await new VolumeDevices(this.ctx).boot(entry.obj.id, signal);
    await this.ctx.agents.start({
      dir,
      netns: this.ctx.topology.names.server(entry.obj.id),
      mountNamespace: machine.mountNamespace.file,
      config: {
        serverId: entry.obj.id,
        hostname: hostnameOf(entry.obj.name),
        allowedPathPrefixes: [],
        env: {
          BERTH_ZONE: entry.obj.zone,
          BERTH_FLAVOR: entry.obj.flavor,
          BERTH_CGROUP: machine.cgroupPath,
          // What a VM learns from DHCP: the address of its first port.
          ...(entry.obj.ports[0] === undefined
            ? {}
            : { BERTH_SERVER_ADDRESS: entry.obj.ports[0].fixedIp }),
        },
        cgroupProcs: machine.cgroupProcs,
      },
      userData: toAgentUserData(entry.local.userData),
    });
  }

  /** Stops the agent and its services (gracefully, then by force), then halts the machine. */
  async stopAgent(serverId: string, signal?: AbortSignal): Promise<void> {
    const dir = serverDir(this.ctx, serverId);
    await this.ctx.agents.stop(dir);
    await this.ctx.machines.halt(serverId, dir, signal);
  }

  /**
   * Fault injection: SIGKILL every process of the server, as a host crash would. The mount
   * namespace and cgroup stay, as a crashed VM's disk does; a reboot halts and boots again.
   */
  async crash(serverId: string): Promise<void> {
    await this.ctx.repos.servers.require(serverId);
    await this.ctx.agents.crash(serverDir(this.ctx, serverId));
    await this.ctx.machines.crash(serverId);
  }

  /** Everything on the host goes: processes, mounts, cgroups, namespace, ports, files. */
  async teardown(entry: Entry<Server, ServerLocal>, signal?: AbortSignal): Promise<void> {
    const dir = serverDir(this.ctx, entry.obj.id);
    await this.stopAgent(entry.obj.id, signal);
    await this.ctx.topology.removeServer(
      entry.obj.id,
      signal,
      entry.obj.ports.map((p) => p.id),
    );
    this.firewall.forget(entry.obj.id);
    fs.rmSync(dir, { recursive: true, force: true });
  }

  /** The API view: the stored object with status and fault read from the host. */
  view(entry: Entry<Server, ServerLocal>): Server {
    const server = structuredClone(entry.obj);
    const { local } = entry;
    server.fault = null;
    if (!local.provisioned) {
      server.status = local.buildError === undefined ? 'BUILD' : 'ERROR';
      if (local.buildError !== undefined)
        server.fault = { message: local.buildError, at: server.createdAt };
    } else if (local.power === 'off') {
      server.status = 'SHUTOFF';
    } else if (this.ctx.agents.find(serverDir(this.ctx, server.id)) !== undefined) {
      server.status = 'ACTIVE';
    } else {
      server.status = 'ERROR';
      const status = this.ctx.agents.status(serverDir(this.ctx, server.id));
      server.fault = {
        message: "the server's processes died unexpectedly; reboot it to recover",
        at: status?.updatedAt ?? this.ctx.now(),
      };
    }
    return server;
  }
}

/** A DNS label from a server name: the hostname its services see. */
export function hostnameOf(name: string): string {
  const label = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return (label || 'server').slice(0, 63).replace(/-+$/, '');
}

export function requireState(server: Server, allowed: Server['status'][], action: string): void {
  if (!allowed.includes(server.status)) {
    throw providerErrors.invalidState(
      `cannot ${action} server ${server.id} in status ${server.status}`,
    );
  }
}
