/**
 * Names of the host objects the local provider creates. Every name starts with one prefix
 * (default `berth-`) so the leak checker and operators can find them, and every interface name
 * fits Linux's IFNAMSIZ (15 visible characters). Names derive from object ids through a hash,
 * so they are stable across restarts without being stored.
 */
import { createHash } from 'node:crypto';
import { BerthError } from '@berth/errors';

/** Linux IFNAMSIZ is 16 bytes including the terminating NUL. */
export const MAX_IFNAME = 15;

/** Interface names inside a namespace Berth owns: fixed, because the namespace scopes them. */
export const SERVER_IFACE = 'eth0';
export const ROUTER_EXTERNAL_IFACE = 'qg0';

/** Prefix rule: a letter, up to four letters/digits, then a dash (2–6 characters). */
const PREFIX_PATTERN = /^[a-z][a-z0-9]{0,4}-$/;

export function assertPrefix(prefix: string): void {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new BerthError(
      'BERTH_ERR_VALIDATION',
      `name prefix "${prefix}" must be a letter, up to four letters or digits, and a dash`,
      { field: 'prefix' },
    );
  }
}

/** A short lowercase hex digest of `id`; `length` characters. */
export function shortHash(id: string, length: number): string {
  return createHash('sha256').update(id).digest('hex').slice(0, length);
}

/** Kinds of interface the provider names from ids; one letter each in the name. */
export type LinkKind =
  /** Tenant network bridge in the fabric namespace. */
  | 'b'
  /** Host end of a router's external leg, on the external bridge. */
  | 'g'
  /** Fabric end of a router's leg on a tenant bridge. */
  | 'q'
  /** Fabric end of a server's port on a tenant bridge. */
  | 'v';

/** `<prefix><kind><hash>` filled to exactly 15 characters. */
export function linkName(prefix: string, kind: LinkKind, id: string): string {
  const hashLength = MAX_IFNAME - prefix.length - 1;
  return `${prefix}${kind}${shortHash(id, hashLength)}`;
}

/** The router-namespace end of a router's leg on a tenant subnet. */
export function routerInternalIface(subnetId: string): string {
  return `qr${shortHash(subnetId, 8)}`;
}

/** Namespace names are paths under /run/netns, so they are not bound by IFNAMSIZ. */
export interface NamespaceNames {
  fabric: string;
  router(routerId: string): string;
  server(serverId: string): string;
}

export function namespaceNames(prefix: string): NamespaceNames {
  return {
    fabric: `${prefix}fabric`,
    router: (routerId) => `${prefix}r-${shortHash(routerId, 12)}`,
    server: (serverId) => `${prefix}s-${shortHash(serverId, 12)}`,
  };
}

/** The host nftables table that keeps external-CIDR traffic on the external bridge. */
export function guardTableName(prefix: string): string {
  return `${prefix}guard`;
}

/** Tables Berth installs inside namespaces it owns. */
export const ROUTER_NAT_TABLE = 'berth-router';
export const SECURITY_GROUP_TABLE = 'berth-sg';
