/**
 * A fake of one cluster's API at the addon controller's port: objects applied are kept by
 * kind/namespace/name with their labels; a test says how workloads are doing (`setWorkload`) and
 * which objects a finalizer holds on deletion (`holdOnDelete`), as the Service load-balancer
 * controller's finalizer holds a Service until its load balancer is gone.
 */
import type {
  AddonKindRef,
  AddonObject,
  AddonObjectRef,
  AddonWorkload,
  ClusterAddonsApi,
  ClusterAddonsClient,
  ClusterAddonsConnection,
} from '@berth/controller-ports';

interface Stored {
  object: AddonObject;
  fieldManager: string;
  deleting: boolean;
}

const key = (o: { kind: string; namespace?: string | undefined; name: string }) =>
  `${o.kind}/${o.namespace ?? ''}/${o.name}`;

export class FakeAddonsApi implements ClusterAddonsApi, ClusterAddonsClient {
  readonly objects = new Map<string, Stored>();
  readonly applied: string[] = [];
  readonly deleted: string[] = [];
  images_: Record<string, string | undefined> = { traefik: 'registry/berth/traefik:v3.6.12' };
  reachable = true;
  /** Kinds the API does not serve yet (their CRD is not established): applying one throws. */
  readonly unservedKinds = new Set<string>();
  /** Set: every apply throws it (an API that refuses the objects). */
  applyError: Error | undefined;
  readonly #workloads = new Map<string, Partial<AddonWorkload>>();
  readonly #held = new Set<string>();

  async connect(): Promise<ClusterAddonsConnection> {
    return this.reachable ? { client: this } : { unreachable: 'fake: down' };
  }

  images(): Readonly<Record<string, string | undefined>> {
    return this.images_;
  }

  /** CRDs handed to the renderer (a test sets them to install the monitoring addon). */
  crds: AddonObject[] = [];

  async customResourceDefinitions(): Promise<readonly AddonObject[]> {
    return this.crds;
  }

  async apply(objects: readonly AddonObject[], fieldManager: string): Promise<void> {
    if (this.applyError) throw this.applyError;
    for (const object of objects) {
      // As the API before a CRD is established: the objects before it were applied.
      if (this.unservedKinds.has(object.kind))
        throw new Error(`Unrecognized API version and kind: ${object.apiVersion} ${object.kind}`);
      const k = key({ ...object.metadata, kind: object.kind });
      this.objects.set(k, { object: structuredClone(object), fieldManager, deleting: false });
      this.applied.push(k);
    }
  }

  async list(label: string, kinds: readonly AddonKindRef[]): Promise<AddonObjectRef[]> {
    const out: AddonObjectRef[] = [];
    for (const kind of kinds)
      for (const { object, deleting } of this.objects.values()) {
        const addon = object.metadata.labels?.[label];
        if (object.kind !== kind.kind || addon === undefined) continue;
        out.push({
          apiVersion: object.apiVersion,
          kind: object.kind,
          name: object.metadata.name,
          ...(object.metadata.namespace === undefined
            ? {}
            : { namespace: object.metadata.namespace }),
          addon,
          deleting,
          managedByBerth: object.metadata.labels?.['app.kubernetes.io/managed-by'] === 'berth',
        });
      }
    return out;
  }

  async delete(ref: AddonObjectRef): Promise<void> {
    const k = key(ref);
    this.deleted.push(k);
    const stored = this.objects.get(k);
    if (stored === undefined) return;
    if (this.#held.has(k)) stored.deleting = true;
    else this.objects.delete(k);
  }

  async workloads(label: string, addon: string): Promise<AddonWorkload[]> {
    return [...this.objects.values()]
      .filter(({ object }) =>
        ['Deployment', 'DaemonSet', 'APIService', 'Prometheus'].includes(object.kind),
      )
      .filter(({ object }) => object.metadata.labels?.[label] === addon)
      .map(({ object }) => {
        const replicas = (object as { spec?: { replicas?: number } }).spec?.replicas ?? 1;
        const k = key({ ...object.metadata, kind: object.kind });
        return {
          kind: object.kind,
          namespace: object.metadata.namespace ?? '',
          name: object.metadata.name,
          desired: replicas,
          available: 0,
          ...this.#workloads.get(k),
        };
      });
  }

  /** How the workload `kind/namespace/name` is doing from now on. */
  setWorkload(k: string, state: Partial<AddonWorkload>): void {
    this.#workloads.set(k, state);
  }

  /** Deleting `kind/namespace/name` only marks it deleting until `release`. */
  holdOnDelete(k: string): void {
    this.#held.add(k);
  }

  release(k: string): void {
    this.#held.delete(k);
    if (this.objects.get(k)?.deleting) this.objects.delete(k);
  }

  get(k: string): AddonObject | undefined {
    return this.objects.get(k)?.object;
  }
}
