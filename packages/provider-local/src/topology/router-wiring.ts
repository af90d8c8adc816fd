/**
 * A router on the host: its namespace with forwarding on, a leg on each attached subnet's bridge
 * at the subnet's gateway address, a gateway leg `qg0` on the external bridge holding its
 * address and floating IPs, and its NAT table. Converges from any half-made state.
 */
import { parseCidr, withPrefix } from '@berth/net';
import {
  linkName,
  ROUTER_EXTERNAL_IFACE,
  ROUTER_NAT_TABLE,
  routerInternalIface,
} from '../names.js';
import type { NetContext } from '../net/context.js';
import {
  deleteLink,
  ensureVethPair,
  listAddresses,
  listLinks,
  removeAddress,
  replaceAddress,
  replaceRoute,
  setLinkUp,
  setMaster,
  syncStaticRoutes,
} from '../net/links.js';
import { ensureNamespace } from '../net/netns.js';
import { applyTable, deleteTable } from '../net/nft.js';
import { setNamespaceSysctl } from '../net/sysctl.js';
import { renderRouterNat, type FloatingIpMapping } from '../render/router-nft.js';
import type { Topology } from './topology.js';

export interface RouterLeg {
  subnetId: string;
  networkId: string;
  cidr: string;
  gatewayIp: string;
}

export interface RouterTopology {
  routerId: string;
  /** The router's address on the external network; no external leg when undefined. */
  externalIp?: string;
  legs: RouterLeg[];
  floatingIps: FloatingIpMapping[];
  /** Static routes (a node's pod CIDR to the node); their next hops are on the legs. */
  routes?: { destination: string; nexthop: string }[];
  /** Default true. */
  enableSnat?: boolean;
}

/** Router namespace with its external leg, subnet legs, floating IPs and NAT. */
export async function wireRouter(
  topo: Topology,
  spec: RouterTopology,
  ctx: NetContext,
): Promise<void> {
  const ns = topo.names.router(spec.routerId);
  await ensureNamespace(ctx, ns);
  await setNamespaceSysctl(ctx, ns, 'net.ipv4.ip_forward', '1');
  await setNamespaceSysctl(ctx, ns, 'net.ipv4.conf.all.send_redirects', '0');
  for (const leg of spec.legs) await ensureRouterLeg(topo, ctx, ns, spec.routerId, leg);
  await removeStaleLegs(ctx, ns, spec.legs);
  const routes = spec.routes ?? [];
  await syncStaticRoutes(
    ctx,
    routes.map((r) => ({ to: r.destination, via: r.nexthop })),
    ns,
  );
  if (spec.externalIp === undefined) {
    await deleteLink(ctx, linkName(topo.config.prefix, 'g', spec.routerId));
    await deleteTable(ctx, { family: 'ip', name: ROUTER_NAT_TABLE, ns });
    return;
  }
  await ensureGatewayLeg(topo, ctx, ns, spec);
  const nat = renderRouterNat({
    externalIface: ROUTER_EXTERNAL_IFACE,
    externalIp: spec.externalIp,
    floatingIps: spec.floatingIps,
    snat: spec.enableSnat !== false,
    subnets: spec.legs.map((l) => ({
      cidr: l.cidr,
      gatewayIp: l.gatewayIp,
      iface: routerInternalIface(l.subnetId),
    })),
    routedCidrs: routes.map((r) => r.destination),
  });
  await applyTable(ctx, { family: 'ip', name: ROUTER_NAT_TABLE, ns }, nat);
}

async function ensureRouterLeg(
  topo: Topology,
  ctx: NetContext,
  ns: string,
  routerId: string,
  leg: RouterLeg,
) {
  const fabric = topo.names.fabric;
  const outer = linkName(topo.config.prefix, 'q', `${routerId}/${leg.subnetId}`);
  const inner = routerInternalIface(leg.subnetId);
  await topo.ensureTenantNetwork(leg.networkId, ctx.signal);
  await ensureVethPair(ctx, { name: outer, ns: fabric, peerName: inner, peerNs: ns });
  await setMaster(ctx, outer, topo.tenantBridge(leg.networkId), fabric);
  await setLinkUp(ctx, outer, fabric);
  await setLinkUp(ctx, inner, ns);
  await replaceAddress(ctx, inner, withPrefix(leg.gatewayIp, parseCidr(leg.cidr)), ns);
}

async function removeStaleLegs(ctx: NetContext, ns: string, legs: RouterLeg[]): Promise<void> {
  const wanted = new Set(legs.map((l) => routerInternalIface(l.subnetId)));
  for (const link of await listLinks(ctx, ns)) {
    if (link.name.startsWith('qr') && !wanted.has(link.name)) {
      await deleteLink(ctx, link.name, ns);
    }
  }
}

async function ensureGatewayLeg(topo: Topology, ctx: NetContext, ns: string, spec: RouterTopology) {
  const outer = linkName(topo.config.prefix, 'g', spec.routerId);
  const inner = ROUTER_EXTERNAL_IFACE;
  await topo.ensureExternal(ctx.signal);
  await ensureVethPair(ctx, { name: outer, peerName: inner, peerNs: ns });
  await setMaster(ctx, outer, topo.config.externalBridge);
  await setLinkUp(ctx, outer);
  await setLinkUp(ctx, inner, ns);
  const primary = withPrefix(spec.externalIp as string, topo.external.cidr);
  await replaceAddress(ctx, inner, primary, ns);
  const wanted = new Set(spec.floatingIps.map((f) => `${f.floatingIp}/32`));
  for (const address of await listAddresses(ctx, inner, ns)) {
    if (address !== primary && !wanted.has(address)) await removeAddress(ctx, inner, address, ns);
  }
  for (const address of wanted) await replaceAddress(ctx, inner, address, ns);
  await replaceRoute(ctx, { to: 'default', via: topo.external.gatewayIp, dev: inner }, ns);
}

/** Deletes the router's links (their peers go with them, synchronously), then its namespace. */
export async function unwireRouter(
  topo: Topology,
  routerId: string,
  ctx: NetContext,
): Promise<void> {
  await deleteLink(ctx, linkName(topo.config.prefix, 'g', routerId));
  await topo.removeNamespaceWithLinks(ctx, topo.names.router(routerId));
}
