import { runIn, type NetContext } from './context.js';

/**
 * Sets a sysctl inside namespace `ns`. Only per-namespace keys (net.ipv4.ip_forward,
 * net.ipv4.ip_nonlocal_bind, …) are meant here; Berth never changes the host's own sysctls.
 */
export async function setNamespaceSysctl(
  ctx: NetContext,
  ns: string,
  key: string,
  value: string,
): Promise<void> {
  await runIn(ctx, ns, 'sysctl', ['-q', '-w', `${key}=${value}`]);
}
