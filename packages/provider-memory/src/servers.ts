import {
  hashUserData,
  EMPTY_USER_DATA,
  providerErrors,
  type CreateServerInput,
  type FindInput,
  type IdInput,
  type ListServersInput,
  type RebuildServerInput,
  type Server,
  type ServerPort,
  type ServerService,
  chooseHypervisor,
  bootVolumeDevice,
  validateBootVolumes,
} from '@berth/provider-api';
import { takeAddress } from './addresses.js';
import { existingFor, mustGet, newObject, snapshot, type MemoryContext } from './context.js';
import { ObjectReads, serviceReads } from './reads.js';
import type { ServerRecord } from './state.js';
import { countWhere, where } from './indexed-table.js';
import { view as viewVolume } from './volumes.js';

export class MemoryServers implements ServerService {
  private readonly reads;

  constructor(private readonly ctx: MemoryContext) {
    this.reads = new ObjectReads(ctx, {
      methods: serviceReads('servers'),
      kind: 'Server',
      table: (state) => state.servers,
      view: (s) => this.read(s),
    });
  }

  create(input: CreateServerInput, signal: AbortSignal): Promise<Server> {
    return this.ctx.run('servers.create', input, signal, () => {
      const { servers } = this.ctx.state;
      const existing = existingFor(servers, input);
      if (existing) return this.view(existing);
      const record = this.build(input);
      servers[record.id] = record;
      (input.volumeIds ?? []).forEach((id, i) => {
        mustGet(this.ctx.state.volumes, 'Volume', id).attachment = {
          serverId: record.id,
          device: bootVolumeDevice(i),
          attachedAt: this.ctx.timestamp(),
        };
      });
      return this.view(record);
    });
  }

  get(input: IdInput, signal: AbortSignal): Promise<Server> {
    return this.reads.get(input, signal);
  }

  find(input: FindInput, signal: AbortSignal): Promise<Server | undefined> {
    return this.reads.find(input, signal);
  }

  list(input: ListServersInput, signal: AbortSignal): Promise<Server[]> {
    return this.reads.list(
      input,
      signal,
      (s) => input.serverGroupId === undefined || s.serverGroupId === input.serverGroupId,
    );
  }

  delete(input: IdInput, signal: AbortSignal): Promise<void> {
    return this.ctx.run('servers.delete', input, signal, () => {
      const { state } = this.ctx;
      const server = state.servers[input.id];
      if (!server) return;
      for (const volume of Object.values(state.volumes)) {
        if (volume.attachment?.serverId === server.id) volume.attachment = null;
      }
      const portIds = new Set(server.ports.map((p) => p.id));
      for (const fip of Object.values(state.floatingIps)) {
        if (fip.portId !== null && portIds.has(fip.portId))
          Object.assign(fip, { portId: null, fixedIp: null, routerId: null });
      }
      delete state.servers[server.id];
    });
  }

  start(input: IdInput, signal: AbortSignal): Promise<Server> {
    return this.ctx.run('servers.start', input, signal, () => {
      const server = mustGet(this.ctx.state.servers, 'Server', input.id);
      if (server.status === 'ERROR')
        throw providerErrors.invalidState(`server ${server.name} is in ERROR; reboot it`);
      server.status = 'ACTIVE';
      return this.view(server);
    });
  }

  stop(input: IdInput, signal: AbortSignal): Promise<Server> {
    return this.ctx.run('servers.stop', input, signal, () => {
      const server = mustGet(this.ctx.state.servers, 'Server', input.id);
      Object.assign(server, { status: 'SHUTOFF', pendingReads: 0 });
      return this.view(server);
    });
  }

  reboot(input: IdInput, signal: AbortSignal): Promise<Server> {
    return this.ctx.run('servers.reboot', input, signal, () => {
      const server = mustGet(this.ctx.state.servers, 'Server', input.id);
      Object.assign(server, { status: 'ACTIVE', fault: null, pendingReads: 0 });
      return this.view(server);
    });
  }

  rebuild(input: RebuildServerInput, signal: AbortSignal): Promise<Server> {
    return this.ctx.run('servers.rebuild', input, signal, () => {
      const server = mustGet(this.ctx.state.servers, 'Server', input.id);
      Object.assign(server, {
        userData: structuredClone(input.userData),
        status: 'ACTIVE',
        fault: null,
        pendingReads: 0,
      });
      return this.view(server);
    });
  }

  /** A validated, placed, addressed server record; throws before anything is taken. */
  private build(input: CreateServerInput): ServerRecord {
    const { state, catalog } = this.ctx;
    const flavor = catalog.flavors.find((f) => f.name === input.flavor);
    if (!flavor) throw providerErrors.invalid('flavor', `unknown flavor "${input.flavor}"`);
    if (!catalog.zones.some((z) => z.name === input.zone && z.available)) {
      throw providerErrors.invalid('zone', `unknown or unavailable zone "${input.zone}"`);
    }
    for (const id of input.securityGroupIds ?? [])
      mustGet(state.securityGroups, 'SecurityGroup', id);
    const group =
      input.serverGroupId === undefined
        ? undefined
        : mustGet(state.serverGroups, 'ServerGroup', input.serverGroupId);
    validateBootVolumes(input.volumeIds ?? [], input.zone, (id) => {
      const volume = state.volumes[id];
      return volume === undefined ? undefined : viewVolume(volume);
    });
    this.checkServerQuotas(flavor);
    const ports = this.buildPorts(input);
    const hypervisor = chooseHypervisor({
      zone: input.zone,
      hypervisors: catalog.hypervisors,
      load: (h) => countWhere(state.servers, 'hypervisor', h),
      groupMembers:
        group === undefined
          ? []
          : where(state.servers, 'serverGroupId', group.id).map((s) => s.hypervisor),
      policy: group?.policy,
    });
    return {
      ...newObject(this.ctx, 'server', input),
      status: 'ACTIVE',
      pendingReads: this.ctx.settleReads,
      flavor: flavor.name,
      zone: input.zone,
      hypervisor,
      ports,
      securityGroupIds: [...(input.securityGroupIds ?? [])],
      serverGroupId: group?.id ?? null,
      metadata: { ...input.metadata },
      userData: structuredClone(input.userData ?? EMPTY_USER_DATA),
      fault: null,
    };
  }

  private buildPorts(input: CreateServerInput): ServerPort[] {
    const { state } = this.ctx;
    if (input.ports.length === 0)
      throw providerErrors.invalid('ports', 'a server needs at least one port');
    const taken: string[] = [];
    return input.ports
      .map((p, i) => {
        const network = mustGet(state.networks, 'Network', p.networkId);
        if (network.external)
          throw providerErrors.invalid(
            `ports[${i}].networkId`,
            'servers attach to tenant networks',
          );
        const subnet =
          p.subnetId === undefined
            ? where(state.subnets, 'networkId', network.id)[0]
            : mustGet(state.subnets, 'Subnet', p.subnetId);
        if (!subnet || subnet.networkId !== network.id) {
          throw providerErrors.invalid(
            `ports[${i}].subnetId`,
            `no such subnet on network ${network.name}`,
          );
        }
        const fixedIp = takeAddress(state, subnet, p.fixedIp, taken, `ports[${i}].fixedIp`);
        taken.push(fixedIp);
        return { id: '', networkId: network.id, subnetId: subnet.id, fixedIp, macAddress: '' };
      })
      .map((port) => ({ ...port, ...this.newPortIdentity() }));
  }

  /** Summing every server's flavor is paid only when a quota asks for it. */
  private checkServerQuotas(flavor: { vcpus: number; ramMiB: number }): void {
    const { quotas, state } = this.ctx;
    const all = () => Object.values(state.servers);
    if (quotas.servers !== undefined) this.ctx.checkQuota('servers', all().length, 1);
    if (quotas.vcpus !== undefined)
      this.ctx.checkQuota('vcpus', sumFlavors(this.ctx, all(), 'vcpus'), flavor.vcpus);
    if (quotas.ramMiB !== undefined)
      this.ctx.checkQuota('ramMiB', sumFlavors(this.ctx, all(), 'ramMiB'), flavor.ramMiB);
  }

  private newPortIdentity(): { id: string; macAddress: string } {
    const id = this.ctx.newId('port');
    const n = this.ctx.state.lastId;
    const bytes = [n >> 16, n >> 8, n].map((b) => (b & 0xff).toString(16).padStart(2, '0'));
    return { id, macAddress: `fa:16:3e:${bytes.join(':')}` };
  }

  /** A read: advances the BUILD countdown. */
  private read(record: ServerRecord): Server {
    const server = this.view(record);
    if (record.pendingReads > 0) {
      record.pendingReads -= 1;
      this.ctx.markDirty();
    }
    return server;
  }

  private view(record: ServerRecord): Server {
    const { userData, pendingReads, ...rest } = record;
    const volumeAttachments = Object.values(this.ctx.state.volumes)
      .filter((v) => v.attachment?.serverId === record.id)
      .map((v) => ({ volumeId: v.id, device: v.attachment!.device }));
    return snapshot({
      ...rest,
      status: pendingReads > 0 ? 'BUILD' : record.status,
      userDataHash: hashUserData(userData),
      volumeAttachments,
    });
  }
}

function sumFlavors(
  ctx: MemoryContext,
  servers: ServerRecord[],
  field: 'vcpus' | 'ramMiB',
): number {
  return servers.reduce(
    (sum, s) => sum + (ctx.catalog.flavors.find((f) => f.name === s.flavor)?.[field] ?? 0),
    0,
  );
}
