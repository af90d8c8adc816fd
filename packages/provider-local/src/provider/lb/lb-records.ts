/**
 * A load balancer's records from the inventory (everything its amphorae's configuration needs),
 * and the check a rendered configuration passes before any amphora gets it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ProviderContext } from '../context.js';
import { AMPHORA_FILES, STATS_SOCKET_DIR, tlsBundle, type LbRecords } from './lb-config.js';

export async function loadLbRecords(ctx: ProviderContext, lbId: string): Promise<LbRecords> {
  const { repos } = ctx;
  const lb = (await repos.loadBalancers.require(lbId)).obj;
  const listeners = (await repos.listeners.all())
    .filter((e) => e.obj.loadBalancerId === lbId)
    .map((e) => ({
      listener: e.obj,
      ...(e.local.tls === undefined ? {} : { tls: e.local.tls }),
    }));
  const pools = (await repos.pools.all())
    .map((e) => e.obj)
    .filter((p) => p.loadBalancerId === lbId);
  const poolIds = new Set(pools.map((p) => p.id));
  const members = (await repos.members.all())
    .map((e) => e.obj)
    .filter((m) => poolIds.has(m.poolId));
  const monitors = (await repos.monitors.all())
    .map((e) => e.obj)
    .filter((m) => poolIds.has(m.poolId));
  return { lb, listeners, pools, members, monitors };
}

/** `haproxy -c` on the candidate configuration, with its certificates in place first. */
export async function validateHaproxyConfig(
  ctx: ProviderContext,
  rootDir: string,
  records: LbRecords,
  cfg: string,
  signal?: AbortSignal,
): Promise<void> {
  fs.mkdirSync(path.join(rootDir, 'certs'), { recursive: true });
  fs.mkdirSync(STATS_SOCKET_DIR, { recursive: true, mode: 0o700 });
  for (const { listener, tls } of records.listeners) {
    if (tls !== undefined) {
      fs.writeFileSync(path.join(rootDir, AMPHORA_FILES.cert(listener.id)), tlsBundle(tls), {
        mode: 0o600,
      });
    }
  }
  const candidate = path.join(rootDir, '..', 'haproxy.candidate.cfg');
  fs.writeFileSync(candidate, cfg);
  try {
    await ctx.runner.run('haproxy', ['-c', '-q', '-f', candidate], {
      timeoutMs: 30_000,
      ...(signal === undefined ? {} : { signal }),
    });
  } finally {
    fs.rmSync(candidate, { force: true });
  }
}
