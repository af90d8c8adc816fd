/**
 * How Berth reaches a cluster's API as its admin: through the address clients use — the
 * endpoint in the cluster's status, or the address its masters were told (the floating IP of a
 * public API) — the first that answers, remembered. The VIP inside the cluster's network is
 * tried only when `reachPrivateAddresses` says Berth runs where tenant networks are routed: on
 * the local provider's host they are not, and a tenant address sent to the host's routing table
 * would leave the host.
 */
import type { Cluster } from '@berth/api-types';
import { BerthError } from '@berth/errors';
import type { ClusterSecrets } from './cluster-secrets.js';
import { KubeClient } from './kube-client.js';

export interface BootstrapLogger {
  debug(obj: Record<string, unknown>, msg?: string): void;
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
}

/** An address that does not answer within this long is taken as unreachable from here. */
const PROBE_TIMEOUT_MS = 4_000;

export type Connection = { api: KubeClient } | { unreachable: string };

export class ClusterApi {
  readonly #lastGood = new Map<string, string>();

  constructor(
    private readonly secrets: ClusterSecrets,
    private readonly port: number,
    private readonly logger: BootstrapLogger,
    private readonly reachPrivateAddresses = false,
  ) {}

  /**
   * A client for the first address that answers, or why none did: as the cluster's admin, or
   * as a narrower identity of Berth's (`storage`: the storage controller, rbac.ts).
   */
  async connect(
    cluster: Cluster,
    vipAddress: string,
    signal: AbortSignal,
    as: 'admin' | 'storage' = 'admin',
  ): Promise<Connection> {
    const uid = cluster.metadata.uid;
    const cas = await this.secrets.existingAuthorities(uid);
    if (cas === undefined) return { unreachable: 'the cluster has no certificates yet' };
    const admin =
      as === 'admin'
        ? await this.secrets.adminCertificate(uid)
        : await this.secrets.storageCertificate(uid);
    const failures: string[] = [];
    const candidates = await this.#candidates(cluster, vipAddress);
    if (candidates.length === 0) {
      return {
        unreachable:
          'the API has no address Berth can reach: it is private to the cluster network ' +
          '(apiAccess.public is false) and Berth does not route into tenant networks',
      };
    }
    for (const server of candidates) {
      const api = new KubeClient({ server, caPem: cas.ca.certPem, ...admin });
      try {
        await api.raw('/readyz', { signal, timeoutMs: PROBE_TIMEOUT_MS });
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
  async require(cluster: Cluster, vipAddress: string, signal: AbortSignal): Promise<KubeClient> {
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
      this.reachPrivateAddresses ? url(vipAddress) : undefined,
    ];
    const vip = url(vipAddress);
    return [...new Set(all.filter((s): s is string => s !== undefined))].filter(
      (s) => this.reachPrivateAddresses || s !== vip,
    );
  }
}
