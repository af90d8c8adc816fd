/**
 * The local cloud's wiring, as idempotent operations over the host-networking primitives:
 *
 *   host namespace:   <prefix>ext0 bridge (external CIDR, host = .1) + guard table
 *   fabric namespace: one bridge per tenant network (no addresses: pure L2, host-isolated)
 *   router namespace: qg0 on the external bridge, qr<hash> per subnet (its gateway), NAT
 *   server namespace: eth0 on its tenant bridge, fixed IP, default route via the router
 *
 * Every method converges to the requested state from whatever a crash left behind.
 */
import { parseCidr, withPrefix } from '@berth/net';
import type { CommandRunner } from '@berth/exec';
import {
  guardTableName,
  linkName,
  namespaceNames,
  SECURITY_GROUP_TABLE,
  SERVER_IFACE,
  type NamespaceNames,
} from '../names.js';
import { run, type NetContext } from '../net/context.js';
import {
  deleteLink,
  ensureBridge,
  ensureVethPair,
  listAddresses,
  listLinks,
  removeAddress,
  replaceAddress,
  replaceRoute,
  setLinkUp,
  setMaster,
} from '../net/links.js';
import { deleteNamespace, ensureNamespace, namespaceExists } from '../net/netns.js';
import { applyTable, deleteTable } from '../net/nft.js';
import { setNamespaceSysctl } from '../net/sysctl.js';
import { renderGuardTable } from '../render/guard-nft.js';
import { renderServerFirewall, type FirewallRule } from '../render/security-group-nft.js';
import { externalNetwork, type ExternalNetwork, type TopologyConfig } from './config.js';
import { unwireRouter, wireRouter, type RouterTopology } from './router-wiring.js';

export type { RouterLeg, RouterTopology } from './router-wiring.js';

export interface ServerPort {
  serverId: string;
  /** Names the fabric end of the veth; default the server id (one-port servers). */
  portId?: string;
  /** The interface inside the server; default eth0. */
  iface?: string;
  /** Install the default route via this port's gateway; default true. */
  defaultRoute?: boolean;
  networkId: string;
  ip: string;
  cidr: string;
  gatewayIp: string;
  /** Further addresses on eth0 (a load balancer's VIP), as bare IPs in the same subnet. */
  extraIps?: string[];
}

export class Topology {
  readonly names: NamespaceNames;
  readonly external: ExternalNetwork;
  private tenantCidrs: string[] = [];

  constructor(
    private readonly runner: CommandRunner,
    readonly config: TopologyConfig,
  ) {
    this.names = namespaceNames(config.prefix);
    this.external = externalNetwork(config);
  }

  /** The external bridge with the host's address, and the guard table. */
  async ensureExternal(signal?: AbortSignal): Promise<void> {
    const ctx = this.ctx(signal);
    await applyTable(ctx, this.guardRef(), this.guardRuleset());
    await ensureBridge(ctx, this.config.externalBridge);
    await replaceAddress(
      ctx,
      this.config.externalBridge,
      withPrefix(this.external.gatewayIp, this.external.cidr),
    );
  }

  /** Removes the external bridge, then the guard unless tenant subnets still need it. */
  async removeExternal(signal?: AbortSignal): Promise<void> {
    const ctx = this.ctx(signal);
    await deleteLink(ctx, this.config.externalBridge);
    if (this.tenantCidrs.length === 0) await deleteTable(ctx, this.guardRef());
  }

  /**
   * Keeps the guard's list of tenant subnets current (see renderGuardTable); the table exists
   * while any tenant subnet or the external network does.
   */
  async syncGuard(
    tenantCidrs: readonly string[],
    externalPresent: boolean,
    signal?: AbortSignal,
  ): Promise<void> {
    this.tenantCidrs = [...tenantCidrs];
    const ctx = this.ctx(signal);
    if (this.tenantCidrs.length > 0 || externalPresent)
      await applyTable(ctx, this.guardRef(), this.guardRuleset());
    else await deleteTable(ctx, this.guardRef());
  }

  async ensureTenantNetwork(networkId: string, signal?: AbortSignal): Promise<void> {
    const ctx = this.ctx(signal);
    await ensureNamespace(ctx, this.names.fabric);
    await ensureBridge(ctx, this.tenantBridge(networkId), this.names.fabric);
  }

  async removeTenantNetwork(networkId: string, signal?: AbortSignal): Promise<void> {
    const ctx = this.ctx(signal);
    if (!(await namespaceExists(ctx, this.names.fabric))) return;
    await deleteLink(ctx, this.tenantBridge(networkId), this.names.fabric);
  }

  /** Deletes the fabric namespace once it holds no bridge. */
  async removeFabricIfEmpty(signal?: AbortSignal): Promise<boolean> {
    const ctx = this.ctx(signal);
    if (!(await namespaceExists(ctx, this.names.fabric))) return true;
    const links = await listLinks(ctx, this.names.fabric);
    if (links.some((l) => l.name !== 'lo')) return false;
    await deleteNamespace(ctx, this.names.fabric);
    return true;
  }

  tenantBridge(networkId: string): string {
    return linkName(this.config.prefix, 'b', networkId);
  }

  private guardRef() {
    return { family: 'inet' as const, name: guardTableName(this.config.prefix) };
  }

  private guardRuleset(): string {
    return renderGuardTable({
      table: guardTableName(this.config.prefix),
      externalCidr: this.config.externalCidr,
      externalBridge: this.config.externalBridge,
      tenantCidrs: this.tenantCidrs,
    });
  }

  ctx(signal?: AbortSignal): NetContext {
    return signal === undefined ? { runner: this.runner } : { runner: this.runner, signal };
  }

  /** Router namespace with its external leg, subnet legs, floating IPs and NAT. */
  ensureRouter(spec: RouterTopology, signal?: AbortSignal): Promise<void> {
    return wireRouter(this, spec, this.ctx(signal));
  }

  /** Deletes the router's links (their peers go with them, synchronously), then its namespace. */
  removeRouter(routerId: string, signal?: AbortSignal): Promise<void> {
    return unwireRouter(this, routerId, this.ctx(signal));
  }

  /** Server namespace wired to its tenant network: eth0, fixed IP, default route. */
  async ensureServerPort(port: ServerPort, signal?: AbortSignal): Promise<void> {
    const ctx = this.ctx(signal);
    const ns = this.names.server(port.serverId);
    const fabric = this.names.fabric;
    const outer = this.serverPortLink(port.portId ?? port.serverId);
    const iface = port.iface ?? SERVER_IFACE;
    const cidr = parseCidr(port.cidr);
    await ensureNamespace(ctx, ns);
    await this.ensureTenantNetwork(port.networkId, signal);
    await ensureVethPair(ctx, { name: outer, ns: fabric, peerName: iface, peerNs: ns });
    await setMaster(ctx, outer, this.tenantBridge(port.networkId), fabric);
    await setLinkUp(ctx, outer, fabric);
    // Addresses first: an interface coming back up (a crashed amphora) must not answer ARP for
    // a VIP it held before dying while the peer now holds it.
    const wanted = [port.ip, ...(port.extraIps ?? [])].map((ip) => withPrefix(ip, cidr));
    for (const address of await listAddresses(ctx, iface, ns)) {
      if (!wanted.includes(address)) await removeAddress(ctx, iface, address, ns);
    }
    for (const address of wanted) await replaceAddress(ctx, iface, address, ns);
    await setLinkUp(ctx, iface, ns);
    if (port.defaultRoute !== false) {
      await replaceRoute(ctx, { to: 'default', via: port.gatewayIp, dev: iface }, ns);
    }
  }

  /** The fabric end of a server port's veth. */
  serverPortLink(portId: string): string {
    return linkName(this.config.prefix, 'v', portId);
  }

  /** Takes a server's interface down (fault injection: a dead VM's NIC). */
  async setServerLinkDown(serverId: string, iface = SERVER_IFACE, signal?: AbortSignal) {
    await run(this.ctx(signal), 'ip', [
      '-n',
      this.names.server(serverId),
      'link',
      'set',
      'dev',
      iface,
      'down',
    ]);
  }

  /** Sets a per-namespace sysctl in a server's namespace (e.g. ip_nonlocal_bind on amphorae). */
  async setServerSysctl(serverId: string, key: string, value: string, signal?: AbortSignal) {
    await setNamespaceSysctl(this.ctx(signal), this.names.server(serverId), key, value);
  }

  /**
   * Loads the server's security-group ruleset (replacing the previous one atomically), or
   * removes it when `rules` is undefined (a server without security groups is unfiltered).
   * `iface` may be a wildcard such as `eth*` for servers with several ports.
   */
  async applyServerFirewall(
    serverId: string,
    rules: FirewallRule[] | undefined,
    signal?: AbortSignal,
    iface = SERVER_IFACE,
  ) {
    const ref = {
      family: 'inet' as const,
      name: SECURITY_GROUP_TABLE,
      ns: this.names.server(serverId),
    };
    if (rules === undefined) return deleteTable(this.ctx(signal), ref);
    await applyTable(this.ctx(signal), ref, renderServerFirewall({ iface, rules }));
  }

  /**
   * Removes the server's ports and namespace; its processes must be stopped first. `portIds`
   * names fabric ends to remove should the namespace already be gone (a half-made server).
   */
  async removeServer(serverId: string, signal?: AbortSignal, portIds: string[] = [serverId]) {
    const ctx = this.ctx(signal);
    await this.removeNamespaceWithLinks(ctx, this.names.server(serverId));
    if (await namespaceExists(ctx, this.names.fabric)) {
      for (const portId of portIds) {
        await deleteLink(ctx, this.serverPortLink(portId), this.names.fabric);
      }
    }
  }

  /** Deletes the namespace's veths from inside (peers go synchronously), then the namespace. */
  async removeNamespaceWithLinks(ctx: NetContext, ns: string): Promise<void> {
    if (!(await namespaceExists(ctx, ns))) return;
    for (const link of await listLinks(ctx, ns)) {
      if (link.kind === 'veth') await deleteLink(ctx, link.name, ns);
    }
    await deleteNamespace(ctx, ns);
  }
}
