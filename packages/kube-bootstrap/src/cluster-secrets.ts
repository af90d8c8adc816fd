/**
 * A cluster's PKI, made once and kept in the SecretStore, so repeated passes (and a restarted
 * `berth server`) hand servers the same certificates and so the same user-data hash. Creation is
 * serialised per cluster: two reconcilers asking at once get one CA, not two.
 *
 * Renewal (`spec.certificateRenewal`, raised by `:renew-certificates`): each master's record and
 * the admin certificate remember the renewal serial they were issued for; asked with a higher
 * one, they are issued again from the same CAs — unless `onlyExpiringWithinDays` is given and
 * none of them expires within that many days of the request — and the serial is recorded either
 * way, so a renewal happens once however many passes ask (level-triggered, idempotent).
 */
import {
  apiserverSans,
  createAuthorities,
  issueAdminCertificate,
  issueClientCertificate,
  AUTOSCALER_USER,
  STORAGE_USER,
  issueMasterCertificates,
  issueKubeProxyCertificate,
  issueNodeCertificate,
  type ClusterAuthorities,
  type MasterCertificates,
  type MasterIdentity,
} from './cluster-certs.js';
import { X509Certificate } from 'node:crypto';
import type { IssuedCertificate } from './pki.js';
import type { SecretStore } from './secret-store.js';

const AUTHORITIES = 'authorities';
const ADMIN = 'admin';
const AUTOSCALER = 'autoscaler';
const STORAGE = 'storage-controller';
const API_ADDRESS = 'api-address';
const USER_ISSUER = 'user-issuer';
const AUDIT_LOGGING = 'audit-logging';
const ADMIN_RENEWAL = 'admin-renewal';

interface StoredMaster {
  /** What the certificates were issued for; a change (a new floating IP) reissues them. */
  identity: MasterIdentity;
  certs: MasterCertificates;
  /** The renewal serial they were issued (or found current) for; absent: 0. */
  renewal?: number;
}

/** A renewal asked for (the cluster's `spec.certificateRenewal`). */
export interface RenewalRequest {
  serial: number;
  requestedAt: string;
  onlyExpiringWithinDays?: number | undefined;
}

/** Whether `certs` are due under `renewal`: always without a window, else if one expires in it. */
export function dueForRenewal(certs: IssuedCertificate[], renewal: RenewalRequest): boolean {
  const days = renewal.onlyExpiringWithinDays;
  if (days === undefined) return true;
  const limit = Date.parse(renewal.requestedAt) + days * 86_400_000;
  return certs.some((c) => Date.parse(new X509Certificate(c.certPem).validTo) <= limit);
}

export class ClusterSecrets {
  readonly #locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: SecretStore,
    private readonly now: () => Date,
  ) {}

  /** The cluster's authorities, created on first use. */
  authorities(clusterUid: string): Promise<ClusterAuthorities> {
    return this.#getOrCreate(clusterUid, AUTHORITIES, () => createAuthorities(this.now()));
  }

  /** The authorities if the cluster has any yet (reading never creates a PKI). */
  async existingAuthorities(clusterUid: string): Promise<ClusterAuthorities | undefined> {
    const text = await this.store.get(clusterUid, AUTHORITIES);
    return text === undefined ? undefined : (JSON.parse(text) as ClusterAuthorities);
  }

  async masterCertificates(
    clusterUid: string,
    identity: MasterIdentity,
    renewal?: RenewalRequest,
  ): Promise<MasterCertificates> {
    const cas = await this.authorities(clusterUid);
    const serial = renewal?.serial ?? 0;
    return this.#locked(clusterUid, async () => {
      const key = `master/${identity.name}`;
      const text = await this.store.get(clusterUid, key);
      const stored = text === undefined ? undefined : (JSON.parse(text) as StoredMaster);
      if (stored !== undefined && sameIdentity(stored.identity, identity)) {
        if ((stored.renewal ?? 0) >= serial) return stored.certs;
        if (!dueForRenewal(Object.values(stored.certs), renewal!)) {
          await this.store.put(clusterUid, key, JSON.stringify({ ...stored, renewal: serial }));
          return stored.certs;
        }
      }
      const certs = await issueMasterCertificates(cas, identity, this.now());
      const record: StoredMaster = { identity, certs, ...(serial > 0 ? { renewal: serial } : {}) };
      await this.store.put(clusterUid, key, JSON.stringify(record));
      return certs;
    });
  }

  /**
   * Applies a renewal to the admin client certificate (Berth's own identity in the cluster and
   * the admin kubeconfig's): issued again once per serial, when due. Nothing before it exists.
   */
  async renewAdminCertificate(clusterUid: string, renewal: RenewalRequest): Promise<void> {
    const { ca } = await this.authorities(clusterUid);
    await this.#locked(clusterUid, async () => {
      const applied = Number((await this.store.get(clusterUid, ADMIN_RENEWAL)) ?? '0');
      if (applied >= renewal.serial) return;
      const text = await this.store.get(clusterUid, ADMIN);
      if (text !== undefined && dueForRenewal([JSON.parse(text) as IssuedCertificate], renewal))
        await this.store.put(
          clusterUid,
          ADMIN,
          JSON.stringify(await issueAdminCertificate(ca, this.now())),
        );
      await this.store.put(clusterUid, ADMIN_RENEWAL, String(renewal.serial));
    });
  }

  /** A master's certificates if they were issued (reading never issues). */
  async existingMasterCertificates(
    clusterUid: string,
    name: string,
  ): Promise<MasterCertificates | undefined> {
    const text = await this.store.get(clusterUid, `master/${name}`);
    return text === undefined ? undefined : (JSON.parse(text) as StoredMaster).certs;
  }

  /** The admin client certificate if it was issued. */
  async existingAdminCertificate(clusterUid: string): Promise<IssuedCertificate | undefined> {
    const text = await this.store.get(clusterUid, ADMIN);
    return text === undefined ? undefined : (JSON.parse(text) as IssuedCertificate);
  }

  async nodeCertificate(clusterUid: string, nodeName: string): Promise<IssuedCertificate> {
    const { ca } = await this.authorities(clusterUid);
    return this.#getOrCreate(clusterUid, `node/${nodeName}`, () =>
      issueNodeCertificate(ca, nodeName, this.now()),
    );
  }

  async forgetNode(clusterUid: string, nodeName: string): Promise<void> {
    await this.store.delete(clusterUid, `node/${nodeName}`);
  }

  /** One per cluster: every node's kube-proxy authenticates as `system:kube-proxy`. */
  async kubeProxyCertificate(clusterUid: string): Promise<IssuedCertificate> {
    const { ca } = await this.authorities(clusterUid);
    return this.#getOrCreate(clusterUid, 'kube-proxy', () =>
      issueKubeProxyCertificate(ca, this.now()),
    );
  }

  async adminCertificate(clusterUid: string): Promise<IssuedCertificate> {
    const { ca } = await this.authorities(clusterUid);
    return this.#getOrCreate(clusterUid, ADMIN, () => issueAdminCertificate(ca, this.now()));
  }

  /**
   * The JWT issuer this cluster's API servers trust for directory users, pinned when the cluster
   * gets its PKI: a new cluster keeps `current` for good (so a later change of the issuer's
   * address, or a start without the registry, never makes its masters' user data drift), and a
   * cluster whose PKI predates this record keeps none — its masters are not rolled to add it.
   */
  async userIssuer<T extends object>(
    clusterUid: string,
    current: T | undefined,
  ): Promise<T | undefined> {
    return this.#locked(clusterUid, async () => {
      const text = await this.store.get(clusterUid, USER_ISSUER);
      if (text !== undefined) return (JSON.parse(text) as { issuer: T | null }).issuer ?? undefined;
      const predates = (await this.store.get(clusterUid, AUTHORITIES)) !== undefined;
      const pinned = predates ? undefined : current;
      await this.store.put(clusterUid, USER_ISSUER, JSON.stringify({ issuer: pinned ?? null }));
      return pinned;
    });
  }

  /**
   * Whether the cluster's API servers write an audit log, pinned like the user issuer: on for
   * clusters whose PKI is made from now on, off for older ones (so their masters are not rolled).
   */
  async auditLogging(clusterUid: string): Promise<boolean> {
    return this.#locked(clusterUid, async () => {
      const text = await this.store.get(clusterUid, AUDIT_LOGGING);
      if (text !== undefined) return text === 'on';
      const on = (await this.store.get(clusterUid, AUTHORITIES)) === undefined;
      await this.store.put(clusterUid, AUDIT_LOGGING, on ? 'on' : 'off');
      return on;
    });
  }

  async autoscalerCertificate(clusterUid: string): Promise<IssuedCertificate> {
    const { ca } = await this.authorities(clusterUid);
    return this.#getOrCreate(clusterUid, AUTOSCALER, () =>
      issueClientCertificate(ca, AUTOSCALER_USER, this.now()),
    );
  }

  /** The storage controller's client certificate (`berth:storage-controller`, see rbac.ts). */
  async storageCertificate(clusterUid: string): Promise<IssuedCertificate> {
    const { ca } = await this.authorities(clusterUid);
    return this.#getOrCreate(clusterUid, STORAGE, () =>
      issueClientCertificate(ca, STORAGE_USER, this.now()),
    );
  }

  /** Remembers the address clients reach the API by (the masters' user data names it). */
  async rememberApiAddress(clusterUid: string, address: string): Promise<void> {
    if ((await this.store.get(clusterUid, API_ADDRESS)) !== address)
      await this.store.put(clusterUid, API_ADDRESS, address);
  }

  apiAddress(clusterUid: string): Promise<string | undefined> {
    return this.store.get(clusterUid, API_ADDRESS);
  }

  forget(clusterUid: string): Promise<void> {
    return this.store.deleteCluster(clusterUid);
  }

  #getOrCreate<T>(clusterUid: string, key: string, create: () => Promise<T>): Promise<T> {
    return this.#locked(clusterUid, async () => {
      const text = await this.store.get(clusterUid, key);
      if (text !== undefined) return JSON.parse(text) as T;
      const value = await create();
      await this.store.put(clusterUid, key, JSON.stringify(value));
      return value;
    });
  }

  #locked<T>(clusterUid: string, op: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(clusterUid) ?? Promise.resolve();
    const next = previous.then(op, op);
    const settled = next.catch(() => undefined);
    this.#locks.set(clusterUid, settled);
    void settled.then(() => {
      if (this.#locks.get(clusterUid) === settled) this.#locks.delete(clusterUid);
    });
    return next;
  }
}

function sameIdentity(a: MasterIdentity, b: MasterIdentity): boolean {
  return JSON.stringify(apiserverSans(a)) === JSON.stringify(apiserverSans(b));
}
