/**
 * An InfraProvider held in memory: deterministic (ids count up, placement and IPAM pick the
 * lowest candidate), optionally persisted to a JSON file after every change so a server using it
 * survives `kill -9`, and with fault injection and a call log for tests.
 */
import {
  providerErrors,
  type CatalogService,
  type FloatingIpService,
  type InfraProvider,
  type LoadBalancerService,
  type NetworkService,
  type ProviderMethod,
  type RouterService,
  type SecurityGroupService,
  type ServerGroupService,
  type ServerService,
  type UserData,
  type VolumeService,
} from '@berth/provider-api';
import {
  CallGate,
  type CallRecord,
  type DelayRule,
  type FailRule,
  type FaultHandle,
} from './call-gate.js';
import { MemoryCatalogService } from './catalog.js';
import { defaultCatalog, type MemoryCatalog } from './catalog-config.js';
import { MemoryContext, mustGet, type MemoryQuotas } from './context.js';
import { ensureExternalNetwork, type ExternalNetworkConfig } from './external-network.js';
import { MemoryFloatingIps } from './floating-ips.js';
import { memoryLoadBalancers } from './load-balancers.js';
import { MemoryNetworks } from './networks.js';
import { MemoryRouters } from './routers.js';
import { MemorySecurityGroups } from './security-groups.js';
import { MemoryServerGroups } from './server-groups.js';
import { MemoryServers } from './servers.js';
import { emptyState, indexState, loadState, type MemoryState } from './state.js';
import { MemoryVolumes } from './volumes.js';

export interface MemoryProviderOptions {
  /**
   * Persist the state here (JSON, written atomically after every change) and restore it on
   * construction. Absent: purely in memory. One process per file: two providers writing the
   * same file overwrite each other.
   */
  stateFile?: string;
  /** Replaces the default catalog's lists that are given. */
  catalog?: Partial<MemoryCatalog>;
  externalNetwork?: ExternalNetworkConfig;
  quotas?: MemoryQuotas;
  /**
   * New servers, load balancers and volumes report BUILD / PENDING_CREATE / creating for this
   * many reads before settling, so callers' polling is exercised. Default 0 (settled at once).
   */
  settleReads?: number;
  /** Clock for `createdAt`; default the system clock. */
  now?: () => Date;
}

/** Test controls over the provider's calls. */
export interface MemoryFaults {
  /** Fails matching calls (see FailRule); remove the rule with the handle. */
  fail(rule: FailRule): FaultHandle;
  /** Delays every matching call by `ms` (abortable). */
  delay(rule: DelayRule): FaultHandle;
  /** Removes every fail and delay rule. */
  clear(): void;
}

export class MemoryProvider implements InfraProvider {
  readonly networks: NetworkService;
  readonly routers: RouterService;
  readonly servers: ServerService;
  readonly serverGroups: ServerGroupService;
  readonly securityGroups: SecurityGroupService;
  readonly loadBalancers: LoadBalancerService;
  readonly volumes: VolumeService;
  readonly floatingIps: FloatingIpService;
  readonly catalog: CatalogService;
  readonly faults: MemoryFaults;
  private readonly ctx: MemoryContext;
  private readonly gate = new CallGate();

  constructor(options: MemoryProviderOptions = {}) {
    const state = indexState(
      (options.stateFile === undefined ? undefined : loadState(options.stateFile)) ?? emptyState(),
    );
    this.ctx = new MemoryContext({
      state,
      catalog: { ...defaultCatalog(), ...structuredClone(options.catalog) },
      gate: this.gate,
      quotas: { ...options.quotas },
      settleReads: options.settleReads ?? 0,
      now: options.now ?? (() => new Date()),
      stateFile: options.stateFile,
    });
    ensureExternalNetwork(this.ctx, options.externalNetwork ?? {});
    this.networks = new MemoryNetworks(this.ctx);
    this.routers = new MemoryRouters(this.ctx);
    this.servers = new MemoryServers(this.ctx);
    this.serverGroups = new MemoryServerGroups(this.ctx);
    this.securityGroups = new MemorySecurityGroups(this.ctx);
    this.loadBalancers = memoryLoadBalancers(this.ctx);
    this.volumes = new MemoryVolumes(this.ctx);
    this.floatingIps = new MemoryFloatingIps(this.ctx);
    this.catalog = new MemoryCatalogService(this.ctx);
    this.faults = {
      fail: (rule) => this.gate.fail(rule),
      delay: (rule) => this.gate.delay(rule),
      clear: () => this.gate.clear(),
    };
  }

  /** Every call made so far, oldest first (kept in memory only, never persisted). */
  get calls(): readonly CallRecord[] {
    return this.gate.calls;
  }

  callsTo(method: ProviderMethod): CallRecord[] {
    return this.gate.calls.filter((c) => c.method === method);
  }

  /**
   * Simulates the server's processes dying (`kill -9` of its process group): status ERROR with a
   * fault, until `recoverServer` or a `servers.reboot`.
   * @throws BerthError `BERTH_ERR_NOT_FOUND`
   */
  crashServer(id: string, message = 'server crashed (fault injection)'): void {
    const server = mustGet(this.ctx.state.servers, 'Server', id);
    Object.assign(server, {
      status: 'ERROR',
      pendingReads: 0,
      fault: { message, at: this.ctx.timestamp() },
    });
    this.ctx.persist();
  }

  /** Brings a crashed server back to ACTIVE, as if its init restarted it. */
  recoverServer(id: string): void {
    const server = mustGet(this.ctx.state.servers, 'Server', id);
    Object.assign(server, { status: 'ACTIVE', fault: null });
    this.ctx.persist();
  }

  /** Marks a hypervisor up or down (placement skips down ones). Not persisted: it is config. */
  setHypervisorState(name: string, state: 'up' | 'down'): void {
    const hypervisor = this.ctx.catalog.hypervisors.find((h) => h.name === name);
    if (!hypervisor) throw providerErrors.notFound('Hypervisor', name);
    hypervisor.state = state;
  }

  /** What a server was created to run — what its init (or a simulated kubelet) would read. */
  userDataOf(id: string): UserData {
    return structuredClone(mustGet(this.ctx.state.servers, 'Server', id).userData);
  }

  /** A copy of the whole state, for assertions. */
  snapshotState(): MemoryState {
    // Tables are indexing proxies, which structuredClone refuses; JSON is what is persisted.
    return JSON.parse(JSON.stringify(this.ctx.state)) as MemoryState;
  }
}
