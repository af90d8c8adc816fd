/**
 * Links (bridges, veth pairs), addresses and routes. Every function is safe to repeat: it
 * checks or uses `replace` semantics instead of failing on "File exists".
 */
import { ipArgs, run, type NetContext } from './context.js';

export interface LinkInfo {
  name: string;
  /** `bridge`, `veth`, … (undefined for plain devices such as `lo`). */
  kind: string | undefined;
  /** The bridge this link is a port of. */
  master: string | undefined;
  up: boolean;
}

interface IpJsonLink {
  ifname: string;
  master?: string;
  flags?: string[];
  linkinfo?: { info_kind?: string };
}

/** Links in namespace `ns` (host when undefined). */
export async function listLinks(ctx: NetContext, ns?: string): Promise<LinkInfo[]> {
  const out = await run(ctx, 'ip', ipArgs(ns, ['-j', '-d', 'link', 'show']));
  return parseLinkList(out.stdout);
}

export function parseLinkList(stdout: string): LinkInfo[] {
  const text = stdout.trim();
  if (text === '') return [];
  return (JSON.parse(text) as IpJsonLink[]).map((l) => ({
    name: l.ifname,
    kind: l.linkinfo?.info_kind,
    master: l.master,
    up: l.flags?.includes('UP') ?? false,
  }));
}

export async function linkExists(ctx: NetContext, name: string, ns?: string): Promise<boolean> {
  const out = await run(ctx, 'ip', ipArgs(ns, ['link', 'show', 'dev', name]), { check: false });
  return out.exitCode === 0;
}

/** Creates bridge `name` if absent and sets it up. */
export async function ensureBridge(ctx: NetContext, name: string, ns?: string): Promise<void> {
  if (!(await linkExists(ctx, name, ns))) {
    await run(ctx, 'ip', ipArgs(ns, ['link', 'add', name, 'type', 'bridge']));
  }
  await setLinkUp(ctx, name, ns);
}

export interface VethSpec {
  /** The end that stays in `ns`. */
  name: string;
  ns?: string;
  /** The end created directly in `peerNs`. */
  peerName: string;
  peerNs: string;
}

/**
 * Creates a veth pair with one end in `peerNs`, unless both ends already exist. A half-made
 * pair (left by a crash between steps) is deleted and made again.
 */
export async function ensureVethPair(ctx: NetContext, spec: VethSpec): Promise<void> {
  const near = await linkExists(ctx, spec.name, spec.ns);
  const far = await linkExists(ctx, spec.peerName, spec.peerNs);
  if (near && far) return;
  if (near) await deleteLink(ctx, spec.name, spec.ns);
  if (far) await deleteLink(ctx, spec.peerName, spec.peerNs);
  await run(
    ctx,
    'ip',
    ipArgs(spec.ns, [
      'link',
      'add',
      spec.name,
      'type',
      'veth',
      'peer',
      'name',
      spec.peerName,
      'netns',
      spec.peerNs,
    ]),
  );
}

export async function setLinkUp(ctx: NetContext, name: string, ns?: string): Promise<void> {
  await run(ctx, 'ip', ipArgs(ns, ['link', 'set', 'dev', name, 'up']));
}

/** Makes `name` a port of `bridge` (both in `ns`). */
export async function setMaster(
  ctx: NetContext,
  name: string,
  bridge: string,
  ns?: string,
): Promise<void> {
  await run(ctx, 'ip', ipArgs(ns, ['link', 'set', 'dev', name, 'master', bridge]));
}

export async function deleteLink(ctx: NetContext, name: string, ns?: string): Promise<void> {
  if (await linkExists(ctx, name, ns)) {
    await run(ctx, 'ip', ipArgs(ns, ['link', 'del', 'dev', name]));
  }
}

/** Adds (or keeps) address `cidr` such as `10.0.0.1/24` on `dev`. */
export async function replaceAddress(
  ctx: NetContext,
  dev: string,
  cidr: string,
  ns?: string,
): Promise<void> {
  await run(ctx, 'ip', ipArgs(ns, ['addr', 'replace', cidr, 'dev', dev]));
}

/** Removes address `cidr` from `dev`; absent addresses are fine. */
export async function removeAddress(
  ctx: NetContext,
  dev: string,
  cidr: string,
  ns?: string,
): Promise<void> {
  await run(ctx, 'ip', ipArgs(ns, ['addr', 'del', cidr, 'dev', dev]), { check: false });
}

/** Addresses (`ip/prefix`) on `dev`. */
export async function listAddresses(ctx: NetContext, dev: string, ns?: string): Promise<string[]> {
  const out = await run(ctx, 'ip', ipArgs(ns, ['-j', 'addr', 'show', 'dev', dev]));
  const text = out.stdout.trim();
  if (text === '') return [];
  const links = JSON.parse(text) as Array<{
    addr_info?: Array<{ family: string; local: string; prefixlen: number }>;
  }>;
  return links.flatMap((l) =>
    (l.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`),
  );
}

export interface RouteSpec {
  /** `default` or a CIDR. */
  to: string;
  via?: string;
  dev?: string;
}

/** Installs or replaces a route in `ns`. */
export async function replaceRoute(ctx: NetContext, route: RouteSpec, ns?: string): Promise<void> {
  const args = ['route', 'replace', route.to];
  if (route.via !== undefined) args.push('via', route.via);
  if (route.dev !== undefined) args.push('dev', route.dev);
  await run(ctx, 'ip', ipArgs(ns, args));
}

export interface StaticRoute {
  /** A CIDR. */
  to: string;
  via: string;
}

/** Routes in `ns` installed with `proto static` (the ones {@link syncStaticRoutes} manages). */
export async function listStaticRoutes(ctx: NetContext, ns?: string): Promise<StaticRoute[]> {
  const out = await run(ctx, 'ip', ipArgs(ns, ['-j', '-4', 'route', 'show', 'proto', 'static']));
  return parseStaticRoutes(out.stdout);
}

export function parseStaticRoutes(stdout: string): StaticRoute[] {
  const text = stdout.trim();
  if (text === '') return [];
  const routes = JSON.parse(text) as { dst: string; gateway?: string }[];
  return routes
    .filter((r) => r.gateway !== undefined)
    .map((r) => ({ to: r.dst.includes('/') ? r.dst : `${r.dst}/32`, via: r.gateway as string }));
}

/**
 * Makes the `proto static` routes of `ns` exactly `wanted`: replaces each (a next hop that
 * moved is updated in place) and deletes any other.
 */
export async function syncStaticRoutes(
  ctx: NetContext,
  wanted: readonly StaticRoute[],
  ns?: string,
): Promise<void> {
  const keep = new Set(wanted.map((r) => r.to));
  for (const route of await listStaticRoutes(ctx, ns)) {
    if (!keep.has(route.to)) {
      await run(ctx, 'ip', ipArgs(ns, ['route', 'del', route.to, 'proto', 'static']), {
        check: false,
      });
    }
  }
  for (const route of wanted) {
    await run(
      ctx,
      'ip',
      ipArgs(ns, ['route', 'replace', route.to, 'via', route.via, 'proto', 'static']),
    );
  }
}
