/** Servers (Nova's model) as namespaces with a supervising agent; see server-runtime.ts. */
import {
  EMPTY_USER_DATA,
  hashUserData,
  providerErrors,
  validateNameAndTags,
  type CreateServerInput,
  type FindInput,
  type IdInput,
  type ListServersInput,
  type RebuildServerInput,
  type Server,
  type ServerService,
  chooseHypervisor,
  loadOf,
  bootVolumeDevice,
  validateBootVolumes,
} from '@berth/provider-api';
import { errorMessage } from '../agent/errors.js';
import { mutate, newId, read, serverDir, type ProviderContext } from './context.js';
import type { FirewallSync } from './firewall-sync.js';
import { disassociatePort } from './floating-ips.js';
import { createPort, deletePort } from './ports.js';
import type { PortRecord } from './records.js';
import { findSame, withTags } from './repo.js';
import { requireState, type ServerRuntime } from './server-runtime.js';
import { attachVolume, detachAllVolumes } from './volumes.js';
import { hypervisorsOf } from './catalog.js';

export class LocalServers implements ServerService {
  constructor(
    private readonly ctx: ProviderContext,
    private readonly runtime: ServerRuntime,
    private readonly firewall: FirewallSync,
  ) {}

  create(input: CreateServerInput, signal: AbortSignal): Promise<Server> {
    return mutate(this.ctx, signal, async () => {
      await this.validate(input);
      const existing = findSame(await this.ctx.repos.servers.all(), input);
      if (existing !== undefined) {
        if (!existing.local.provisioned && existing.local.buildError === undefined) {
          await this.build(existing.obj.id, signal);
        }
        return this.view(existing.obj.id);
      }
      const volumes = new Map((await this.ctx.repos.volumes.all()).map((e) => [e.obj.id, e.obj]));
      validateBootVolumes(input.volumeIds ?? [], input.zone, (v) => volumes.get(v));
      const id = newId();
      const hypervisor = await this.place(input);
      const ports = await this.allocatePorts(id, input);
      const userData = input.userData ?? EMPTY_USER_DATA;
      const server: Server = {
        id,
        name: input.name,
        tags: { ...input.tags },
        createdAt: this.ctx.now(),
        status: 'BUILD',
        flavor: input.flavor,
        zone: input.zone,
        hypervisor,
        ports: ports.map((p) => ({
          id: p.id,
          networkId: p.networkId,
          subnetId: p.subnetId,
          fixedIp: p.fixedIp,
          macAddress: p.macAddress,
        })),
        securityGroupIds: [...(input.securityGroupIds ?? [])],
        serverGroupId: input.serverGroupId ?? null,
        metadata: { ...(input.metadata ?? {}) },
        userDataHash: hashUserData(userData),
        volumeAttachments: [],
        fault: null,
      };
      await this.ctx.repos.servers.put(server, { power: 'on', provisioned: false, userData });
      for (const [i, volumeId] of (input.volumeIds ?? []).entries()) {
        await attachVolume(this.ctx, volumeId, id, bootVolumeDevice(i));
      }
      if (input.serverGroupId !== undefined) {
        await this.ctx.repos.serverGroups.update(input.serverGroupId, (e) =>
          e.obj.memberIds.push(id),
        );
      }
      await this.build(id, signal);
      await this.firewall.syncAll(signal);
      return this.view(id);
    });
  }

  get(input: IdInput, signal: AbortSignal): Promise<Server> {
    return read(signal, () => this.view(input.id));
  }

  find(input: FindInput, signal: AbortSignal): Promise<Server | undefined> {
    return read(signal, async () => {
      const match = withTags(await this.ctx.repos.servers.all(), input.tags).find(
        (e) => e.obj.name === input.name,
      );
      return match === undefined ? undefined : this.runtime.view(match);
    });
  }

  list(input: ListServersInput, signal: AbortSignal): Promise<Server[]> {
    return read(signal, async () =>
      withTags(await this.ctx.repos.servers.all(), input.tags)
        .filter(
          (e) => input.serverGroupId === undefined || e.obj.serverGroupId === input.serverGroupId,
        )
        .map((e) => this.runtime.view(e)),
    );
  }

  async delete(input: IdInput, signal: AbortSignal): Promise<void> {
    await this.#stopUnlocked(input.id);
    return mutate(this.ctx, signal, async () => {
      const entry = await this.ctx.repos.servers.get(input.id);
      if (entry === undefined) return;
      await this.runtime.teardown(entry, signal);
      await detachAllVolumes(this.ctx, input.id);
      for (const port of entry.obj.ports) {
        await disassociatePort(this.ctx, port.id, signal);
        await deletePort(this.ctx, port.id);
      }
      for (const group of await this.ctx.repos.serverGroups.all()) {
        if (group.obj.memberIds.includes(input.id)) {
          await this.ctx.repos.serverGroups.update(group.obj.id, (e) => {
            e.obj.memberIds = e.obj.memberIds.filter((m) => m !== input.id);
          });
        }
      }
      await this.ctx.repos.servers.delete(input.id);
      await this.firewall.syncAll(signal);
    });
  }

  start(input: IdInput, signal: AbortSignal): Promise<Server> {
    return mutate(this.ctx, signal, async () => {
      const current = await this.view(input.id);
      if (current.status === 'ACTIVE' || current.status === 'BUILD') return current;
      requireState(current, ['SHUTOFF'], 'start');
      await this.power(input.id, 'on');
      // Provisioning is idempotent and re-creates what a host reboot took (namespace, ports).
      await this.runtime.provision(input.id, signal);
      return this.view(input.id);
    });
  }

  stop(input: IdInput, signal: AbortSignal): Promise<Server> {
    return mutate(this.ctx, signal, async () => {
      await this.ctx.repos.servers.require(input.id);
      await this.power(input.id, 'off');
      await this.runtime.stopAgent(input.id);
      return this.view(input.id);
    });
  }

  async reboot(input: IdInput, signal: AbortSignal): Promise<Server> {
    await this.#stopUnlocked(input.id);
    return mutate(this.ctx, signal, async () => {
      await this.ctx.repos.servers.require(input.id);
      await this.runtime.stopAgent(input.id);
      await this.power(input.id, 'on');
      await this.ctx.repos.servers.update(input.id, (e) => delete e.local.buildError);
      await this.build(input.id, signal);
      return this.view(input.id);
    });
  }

  async rebuild(input: RebuildServerInput, signal: AbortSignal): Promise<Server> {
    await this.#stopUnlocked(input.id);
    return mutate(this.ctx, signal, async () => {
      await this.ctx.repos.servers.require(input.id);
      await this.runtime.stopAgent(input.id);
      await this.ctx.repos.servers.update(input.id, (e) => {
        e.local.userData = input.userData;
        e.obj.userDataHash = hashUserData(input.userData);
        e.local.power = 'on';
        delete e.local.buildError;
      });
      await this.build(input.id, signal);
      return this.view(input.id);
    });
  }

  /**
   * Stops a server's services gracefully before the provider's lock is taken: a master's API
   * server drains behind its load balancer for ~15 s (master-user-data.ts), and the lock must not
   * hold every other server, network and load balancer change for that long. Idempotent; the
   * locked part stops whatever is still running.
   */
  async #stopUnlocked(id: string): Promise<void> {
    if ((await this.ctx.repos.servers.get(id)) === undefined) return;
    await this.ctx.agents.stop(serverDir(this.ctx, id));
  }

  /**
   * Finishes builds a previous provider instance started but never completed (the process died
   * mid-create): provisioning is idempotent, so it simply runs again. Without this a server
   * would stay in BUILD forever, since start() leaves BUILD servers alone and callers that find
   * the server by name never create it again.
   */
  resumeInterruptedBuilds(signal: AbortSignal): Promise<void> {
    return mutate(this.ctx, signal, async () => {
      for (const entry of await this.ctx.repos.servers.all()) {
        if (!entry.local.provisioned && entry.local.buildError === undefined) {
          await this.build(entry.obj.id, signal);
        }
      }
    });
  }

  /** Fault injection (test providers only): kill -9 the server's process groups. */
  crash(id: string): Promise<void> {
    return this.ctx.lock.run(() => this.runtime.crash(id));
  }

  private async view(id: string): Promise<Server> {
    return this.runtime.view(await this.ctx.repos.servers.require(id));
  }

  private async power(id: string, power: 'on' | 'off'): Promise<void> {
    await this.ctx.repos.servers.update(id, (e) => (e.local.power = power));
  }

  /** Provisions; a failure leaves the server in ERROR with the reason as its fault. */
  private async build(id: string, signal: AbortSignal): Promise<void> {
    try {
      await this.runtime.provision(id, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      await this.ctx.repos.servers.update(id, (e) => (e.local.buildError = errorMessage(err)));
    }
  }

  private async validate(input: CreateServerInput): Promise<void> {
    validateNameAndTags(input.name, input.tags);
    this.ctx.catalog.requireFlavor(input.flavor);
    this.ctx.catalog.requireZone(input.zone);
    if (input.ports.length === 0) throw providerErrors.invalid('ports', 'a server needs a port');
    for (const port of input.ports) await this.ctx.repos.networks.require(port.networkId);
    for (const id of input.securityGroupIds ?? []) await this.ctx.repos.securityGroups.require(id);
    if (input.serverGroupId !== undefined)
      await this.ctx.repos.serverGroups.require(input.serverGroupId);
  }

  private async place(input: CreateServerInput): Promise<string> {
    const servers = (await this.ctx.repos.servers.all()).map((e) => e.obj);
    const group =
      input.serverGroupId === undefined
        ? undefined
        : (await this.ctx.repos.serverGroups.require(input.serverGroupId)).obj;
    const members = new Set(group?.memberIds ?? []);
    return chooseHypervisor({
      zone: input.zone,
      hypervisors: hypervisorsOf(this.ctx.catalog.config),
      load: loadOf(servers.map((s) => s.hypervisor)),
      groupMembers: servers.filter((s) => members.has(s.id)).map((s) => s.hypervisor),
      policy: group?.policy,
    });
  }

  /** All or nothing: a failure releases the ports already made. */
  private async allocatePorts(serverId: string, input: CreateServerInput): Promise<PortRecord[]> {
    const made: PortRecord[] = [];
    try {
      for (const req of input.ports)
        made.push(await createPort(this.ctx, req, { kind: 'server', id: serverId }));
      return made;
    } catch (err) {
      for (const port of made) await deletePort(this.ctx, port.id);
      throw err;
    }
  }
}
