/**
 * The local provider's composition root: one host, one data dir, one name prefix. Everything
 * else (the inventory file, IPAM, host topology, agents) is built here from the options, so two
 * providers with different prefixes and data dirs never touch each other's objects.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ProcessRunner, type CommandRunner } from '@berth/exec';
import type { InfraProvider } from '@berth/provider-api';
import { AgentController, type AgentControllerOptions } from '../agent/agent-control.js';
import type { LocalInventory } from '../inventory/inventory.js';
import { Ipam } from '../inventory/ipam.js';
import { JsonFileInventory } from '../inventory/json-file-inventory.js';
import { topologyConfig, type TopologyConfig } from '../topology/config.js';
import { Topology } from '../topology/topology.js';
import { DEFAULT_CATALOG, LocalCatalog, type CatalogConfig } from './catalog.js';
import { mutate, type ProviderContext } from './context.js';
import { syncExternal, syncRouter } from './router-sync.js';
import { syncTenantGuard } from './networks.js';
import { ensureExternalRecords, externalIds } from './external-network.js';
import { FirewallSync } from './firewall-sync.js';
import { LocalFloatingIps } from './floating-ips.js';
import { AmphoraRuntime } from './lb/amphorae.js';
import {
  repairLoadBalancers,
  runHealthManager,
  type AmphoraRepair,
  type HealthManagerOptions,
} from './lb/health-manager.js';
import { LocalLoadBalancers } from './lb/load-balancers.js';
import { Mutex } from './mutex.js';
import { LocalNetworks } from './networks.js';
import { createRepos } from './records.js';
import { LocalRouters } from './routers.js';
import { LocalSecurityGroups } from './security-groups.js';
import { LocalServerGroups } from './server-groups.js';
import { ServerRuntime } from './server-runtime.js';
import { LocalServers } from './servers.js';
import { LocalVolumes } from './volumes.js';
import { Machines } from '../machine/machine.js';

export interface LocalProviderOptions {
  /** Holds the inventory, server and amphora directories and volume files. */
  dataDir: string;
  /** Runs every ip/nft/sysctl/haproxy command. Default: real processes. */
  runner?: CommandRunner;
  /** Name prefix, external bridge and CIDR. Default `berth-`, `berth-ext0`, 198.18.0.0/24. */
  topology?: Partial<TopologyConfig>;
  catalog?: CatalogConfig;
  /** Default: `<dataDir>/inventory.json`. */
  inventory?: LocalInventory;
  agents?: AgentControllerOptions;
  now?: () => Date;
}

export class LocalProvider implements InfraProvider {
  readonly networks: LocalNetworks;
  readonly routers: LocalRouters;
  readonly servers: LocalServers;
  readonly serverGroups: LocalServerGroups;
  readonly securityGroups: LocalSecurityGroups;
  readonly loadBalancers: LocalLoadBalancers;
  readonly volumes: LocalVolumes;
  readonly floatingIps: LocalFloatingIps;
  readonly catalog: LocalCatalog;

  private readonly firewall: FirewallSync;

  private constructor(readonly ctx: ProviderContext) {
    const firewall = new FirewallSync(ctx);
    this.firewall = firewall;
    this.catalog = ctx.catalog;
    this.networks = new LocalNetworks(ctx);
    this.routers = new LocalRouters(ctx);
    this.servers = new LocalServers(ctx, new ServerRuntime(ctx, firewall), firewall);
    this.serverGroups = new LocalServerGroups(ctx);
    this.securityGroups = new LocalSecurityGroups(ctx, firewall);
    this.loadBalancers = new LocalLoadBalancers(ctx, new AmphoraRuntime(ctx));
    this.volumes = new LocalVolumes(ctx);
    this.floatingIps = new LocalFloatingIps(ctx);
  }

  /** Builds the provider and records the external network (idempotent across restarts). */
  static async create(options: LocalProviderOptions): Promise<LocalProvider> {
    fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o755 });
    const runner = options.runner ?? new ProcessRunner();
    const config = topologyConfig(options.topology);
    const inventory =
      options.inventory ?? new JsonFileInventory(path.join(options.dataDir, 'inventory.json'));
    const now = options.now ?? (() => new Date());
    const ctx: ProviderContext = {
      dataDir: options.dataDir,
      runner,
      inventory,
      repos: createRepos(inventory),
      ipam: new Ipam(inventory),
      topology: new Topology(runner, config),
      agents: new AgentController(options.agents),
      machines: new Machines(runner, config.prefix),
      catalog: new LocalCatalog(options.catalog ?? DEFAULT_CATALOG),
      lock: new Mutex(),
      external: externalIds(config.prefix),
      now: () => now().toISOString(),
    };
    await ensureExternalRecords(ctx);
    await syncTenantGuard(ctx);
    const provider = new LocalProvider(ctx);
    await provider.servers.resumeInterruptedBuilds(new AbortController().signal);
    await provider.loadBalancers.reapplyAll(new AbortController().signal);
    return provider;
  }

  /**
   * Re-creates the host side of networking from the records: the external bridge and guard, and
   * every router with its NAT and floating IPs, then every server's firewall. For a `berth
   * server` starting on a host that lost its namespaces (a reboot); servers come back through
   * `servers.reboot`/`start`, which re-provision them.
   */
  reconcileHost(signal: AbortSignal): Promise<void> {
    return mutate(this.ctx, signal, async () => {
      await syncExternal(this.ctx, signal);
      for (const router of await this.ctx.repos.routers.all()) {
        await syncRouter(this.ctx, router.obj.id, signal);
      }
      this.firewall.forgetAll();
      await this.firewall.syncAll(signal);
    });
  }

  /** Fault injection: kill -9 a server's agent and services. The server then reads ERROR. */
  crashServer(id: string): Promise<void> {
    return this.servers.crash(id);
  }

  /**
   * Fault injection: kill -9 an amphora of a load balancer (the VIP holder by default) and take
   * its interface down. Returns the amphora's id.
   */
  async crashAmphora(loadBalancerId: string, which: 'active' | number = 'active'): Promise<string> {
    const entry = await this.ctx.repos.loadBalancers.require(loadBalancerId);
    return this.loadBalancers.amphorae.crash(entry, which);
  }

  /**
   * Fault injection: shut an amphora down cleanly (keepalived, then HAProxy, get SIGTERM), so
   * keepalived's priority-0 advert hands the VIP to the peer at once. Returns the amphora's id.
   */
  async stopAmphora(loadBalancerId: string, which: 'active' | number = 'active'): Promise<string> {
    const entry = await this.ctx.repos.loadBalancers.require(loadBalancerId);
    return this.loadBalancers.amphorae.stop(entry, which);
  }

  /**
   * One health-manager pass: every amphora whose agent is not running (crashed, killed,
   * stopped, or lost with the host's namespaces) is re-wired and started with the current
   * configuration; it rejoins its pair as BACKUP, so the VIP does not move.
   */
  repairLoadBalancers(signal: AbortSignal): Promise<AmphoraRepair[]> {
    return repairLoadBalancers(this.ctx, this.loadBalancers.amphorae, signal);
  }

  /** Runs `repairLoadBalancers` every `intervalMs`; the returned function stops it. */
  startLoadBalancerHealthManager(options: HealthManagerOptions = {}): () => Promise<void> {
    return runHealthManager((signal) => this.repairLoadBalancers(signal), options);
  }
}
