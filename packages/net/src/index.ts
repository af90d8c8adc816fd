/**
 * @berth/net — IPv4 address and CIDR arithmetic, pure. Berth is IPv4-only, as its cluster spec
 * is. Addresses are unsigned 32-bit integers inside; text in and out. Parse errors are
 * `BERTH_ERR_VALIDATION` naming the field they came from.
 */
import { BerthError } from '@berth/errors';

export interface Cidr {
  /** The address as written, as an unsigned 32-bit integer (the network address once checked). */
  network: number;
  prefix: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function invalid(field: string, message: string): BerthError {
  return new BerthError('BERTH_ERR_VALIDATION', message, { field });
}

/** @throws BerthError `BERTH_ERR_VALIDATION` when `text` is not dotted-quad IPv4. */
export function parseIpv4(text: string, field = 'address'): number {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) {
    throw invalid(field, `"${text}" is not an IPv4 address`);
  }
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function isIpv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => OCTET.test(p));
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** `a.b.c.d/n` as written, host bits allowed; undefined for anything else. */
export function readCidr(text: string): Cidr | undefined {
  const [address, prefixText, extra] = text.split('/');
  if (address === undefined || extra !== undefined || !/^\d{1,2}$/.test(prefixText ?? ''))
    return undefined;
  const prefix = Number(prefixText);
  if (prefix > 32 || !isIpv4(address)) return undefined;
  return { network: parseIpv4(address), prefix };
}

/** True when the address has bits set beyond the prefix (e.g. 10.0.0.5/24). */
export function hasHostBits(cidr: Cidr): boolean {
  return cidr.network % blockSize(cidr.prefix) !== 0;
}

/** The same CIDR with host bits cleared, as text: what the user probably meant. */
export function canonicalCidr(cidr: Cidr): string {
  return formatCidr({
    network: cidr.network - (cidr.network % blockSize(cidr.prefix)),
    prefix: cidr.prefix,
  });
}

/**
 * Parses `a.b.c.d/n`; the address must be the network address (`10.0.0.0/24`, not `10.0.0.5/24`).
 * @throws BerthError `BERTH_ERR_VALIDATION` naming `field`
 */
export function parseCidr(text: string, field = 'cidr'): Cidr {
  const cidr = readCidr(text);
  if (cidr === undefined) throw invalid(field, `"${text}" is not an IPv4 CIDR`);
  if (hasHostBits(cidr)) {
    throw invalid(field, `"${text}" has host bits set; did you mean ${canonicalCidr(cidr)}?`);
  }
  return cidr;
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.network)}/${cidr.prefix}`;
}

const asCidr = (cidr: Cidr | string): Cidr => (typeof cidr === 'string' ? parseCidr(cidr) : cidr);

export function broadcastOf(cidr: Cidr): number {
  return cidr.network + blockSize(cidr.prefix) - 1;
}

/** The `n`-th address of the block (1 = first host address, the conventional gateway). */
export function nthAddress(cidr: Cidr | string, n: number): string {
  const c = asCidr(cidr);
  if (n < 0 || n >= blockSize(c.prefix)) {
    throw invalid('cidr', `address #${n} is outside ${formatCidr(c)}`);
  }
  return formatIpv4(c.network + n);
}

export function cidrContains(cidr: Cidr | string, ip: string): boolean {
  const c = asCidr(cidr);
  const value = parseIpv4(ip);
  return value >= c.network && value <= broadcastOf(c);
}

/** True when two CIDRs share at least one address. */
export function cidrsOverlap(a: Cidr | string, b: Cidr | string): boolean {
  const x = asCidr(a);
  const y = asCidr(b);
  return x.network <= broadcastOf(y) && y.network <= broadcastOf(x);
}

/** `ip/prefix` for an address inside `cidr`, as `ip addr` wants it. */
export function withPrefix(ip: string, cidr: Cidr | string): string {
  return `${ip}/${asCidr(cidr).prefix}`;
}
