/**
 * How Berth reaches a cluster's API as its admin. A cluster may be reachable by several
 * addresses — the endpoint in its status (floating IP when public), the address its masters were
 * told clients use, the VIP inside its network — and which of them answer depends on where Berth
 * runs (the local provider's host reaches floating IPs, not tenant networks). The first that
 * answers is used and remembered.
 */
import type { Cluster } from '@berth/api-types';
import { BerthError } from '@berth/errors';
import type { ClusterSecrets } from './cluster-secrets.js';
import { KubeApi } from './kube-api.js';

export interface BootstrapLogger {
  debug(obj: Record<string, unknown>, msg?: string): void;
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
}

/** An address that does not answer within this long is taken as unreachable from here. */
const PROBE_TIMEOUT_MS = 4_000;

export type Connection = { api: KubeApi } | { unreachable: string };

export class ClusterApi {
  readonly #lastGood = new Map<string, string>();

  constructor(
    private readonly secrets: ClusterSecrets,
    private readonly port: number,
    private readonly logger: BootstrapLogger,
  ) {}

  /** An admin client for the first address that answers, or why none did. */
  async connect(cluster: Cluster, vipAddress: string, signal: AbortSignal): Promise<Connection> {
    const uid = cluster.metadata.uid;
    const cas = await this.secrets.existingAuthorities(uid);
    if (cas === undefined) return { unreachable: 'the cluster has no certificates yet' };
    const admin = await this.secrets.adminCertificate(uid);
    const failures: string[] = [];
    for (const server of await this.#candidates(cluster, vipAddress)) {
      const api = new KubeApi({ server, caPem: cas.ca.certPem, ...admin });
      try {
        await api.raw('GET', '/readyz', { signal, timeoutMs: PROBE_TIMEOUT_MS });
        if (this.#lastGood.get(uid) !== server) {
          this.logger.debug({ cluster: uid, server }, 'cluster API reachable');
          this.#lastGood.set(uid, server);
        }
        return { api };
      } catch (err) {
        signal.throwIfAborted();
        failures.push(err instanceof Error ? err.message : String(err));
      }
    }
    return { unreachable: failures.join('; ') };
  }

  /** @throws BERTH_ERR_UNAVAILABLE (retryable) naming every address tried */
  async require(cluster: Cluster, vipAddress: string, signal: AbortSignal): Promise<KubeApi> {
    const found = await this.connect(cluster, vipAddress, signal);
    if ('api' in found) return found.api;
    throw new BerthError('BERTH_ERR_UNAVAILABLE', found.unreachable, {
      details: { cluster: cluster.metadata.uid },
    });
  }

  forget(clusterUid: string): void {
    this.#lastGood.delete(clusterUid);
  }

  async #candidates(cluster: Cluster, vipAddress: string): Promise<string[]> {
    const uid = cluster.metadata.uid;
    const url = (address: string) => `https://${address}:${this.port}`;
    const remembered = await this.secrets.apiAddress(uid);
    const all = [
      this.#lastGood.get(uid),
      cluster.status?.apiEndpoint,
      remembered === undefined ? undefined : url(remembered),
      url(vipAddress),
    ];
    return [...new Set(all.filter((s): s is string => s !== undefined))];
  }
}
