/**
 * StorageReconciler, keyed by cluster uid: the controller side of Berth's CSI driver for one
 * cluster — what upstream's external-provisioner, external-attacher and external-resizer do
 * beside a driver, done here over the driver's Controller service (`@berth/csi`, the same code
 * csi-sanity checks) on the provider's volumes. A pass reads the cluster's storage objects and
 * runs five phases, each idempotent and level-based:
 *
 * 1. fence: a node that is NotReady while its server is down (not ACTIVE, or gone) for
 *    FENCE_AFTER_MS gets the `out-of-service` taint, so Kubernetes deletes its pods and detaches
 *    its volumes at once instead of after 6 minutes; Berth removes the taint when it is Ready.
 * 2. provision: a claim of a Berth StorageClass (its node chosen, for WaitForFirstConsumer) gets
 *    a volume in that node's zone and a PV bound to it; failures are `ProvisioningFailed` events.
 * 3. attach: VolumeAttachments are published (attached) or, when deleted, unpublished — forced
 *    for a fenced node — before their finalizer goes.
 * 4. resize: a bound claim asking for more grows its volume and PV; kubelet grows the filesystem.
 * 5. reclaim: a Released PV with policy Delete loses its volume, then itself; a volume whose
 *    claim and PV are both gone (provisioning interrupted) is deleted.
 *
 * One object's failure never stops the others. A serving cluster is re-read every RESYNC_MS.
 */
import type { Cluster } from '@berth/api-types';
import { ControllerService, DRIVER_NAME, ProviderVolumes } from '@berth/csi';
import type { Logger, Reconciler, Result } from '@berth/controller-kit';
import type {
  ClusterStorageApi,
  ClusterStorageClient,
  ControllerStore,
  ObjectRef,
  StorageEvent,
} from '@berth/controller-ports';
import type { InfraProvider } from '@berth/provider-api';
import { apiVipAddress } from '../cluster/addresses.js';
import { errorMessage } from '../failures.js';
import { roleTags } from '../naming.js';
import { attachPhase } from './attach.js';
import { fencePhase } from './fence.js';
import { provisionPhase } from './provision.js';
import { reclaimPhase } from './reclaim.js';
import { resizePhase } from './resize.js';
import type { StoragePass } from './pass.js';

/** How often a serving cluster's storage objects are re-read (attach latency is about this). */
export const RESYNC_MS = 2_000;
const IDLE_MS = 10_000;
const SERVING_PHASES = new Set(['Running', 'Reconciling', 'Upgrading']);
/** The volume type of a StorageClass that names none. */
export const DEFAULT_VOLUME_TYPE = 'ssd';

export interface StoragePolicy {
  /**
   * How long a node must be NotReady with its server down before it is fenced (taint
   * `out-of-service`, forced detach). Kubernetes marks a silent node NotReady after 40–50 s,
   * so a dead node's volumes move after about a minute and a half.
   */
  fenceAfterMs: number;
}

export const DEFAULT_STORAGE_POLICY: StoragePolicy = { fenceAfterMs: 30_000 };

export interface StorageControllerDeps {
  store: Pick<ControllerStore, 'getCluster'>;
  provider: InfraProvider;
  storage: ClusterStorageApi;
  logger: Logger;
  now: () => Date;
  policy: StoragePolicy;
}

/** What the controller remembers of a cluster between passes. */
interface ClusterMemory {
  /** Last event recorded per object uid and reason: a failure yields one event, not one a pass. */
  said: Map<string, string>;
  /** See StoragePass.unwritten. */
  unwritten: Set<string>;
}

export class StorageReconciler implements Reconciler {
  readonly #memory = new Map<string, ClusterMemory>();

  constructor(private readonly deps: StorageControllerDeps) {}

  async reconcile(uid: string, signal: AbortSignal): Promise<Result | void> {
    const cluster = await this.deps.store.getCluster(uid);
    if (cluster === undefined || cluster.metadata.deletionRequestedAt !== undefined) {
      this.#memory.delete(uid);
      return;
    }
    if (!SERVING_PHASES.has(cluster.status?.phase ?? '')) return { requeueAfterMs: IDLE_MS };
    const vip = apiVipAddress(cluster.spec.network.subnetCidr);
    const connection = await this.deps.storage.connect(cluster, vip, signal);
    if ('unreachable' in connection) return { requeueAfterMs: RESYNC_MS };
    const pass = await this.#pass(cluster, connection.client, signal);
    for (const [name, phase] of PHASES) {
      try {
        await phase(pass);
      } catch (err) {
        signal.throwIfAborted();
        this.deps.logger.warn(
          { cluster: uid, phase: name, err: errorMessage(err) },
          'storage phase failed',
        );
      }
    }
    return { requeueAfterMs: RESYNC_MS };
  }

  async #pass(
    cluster: Cluster,
    client: ClusterStorageClient,
    signal: AbortSignal,
  ): Promise<StoragePass> {
    const [classes, claims, volumes, attachments, nodes] = await Promise.all([
      client.listClasses(signal),
      client.listClaims(signal),
      client.listVolumes(signal),
      client.listAttachments(signal),
      client.listNodes(signal),
    ]);
    const memory = this.#memoryOf(cluster.metadata.uid);
    // Events said about objects that are gone are forgotten.
    const live = new Set([...claims, ...volumes, ...attachments, ...nodes].map((o) => o.uid));
    for (const key of [...memory.said.keys()])
      if (!live.has(key.slice(0, key.indexOf('/')))) memory.said.delete(key);
    const port = new ProviderVolumes({
      provider: this.deps.provider,
      driverName: DRIVER_NAME,
      scope: roleTags(cluster, 'volume'),
    });
    return {
      cluster,
      client,
      signal,
      now: this.deps.now(),
      policy: this.deps.policy,
      provider: this.deps.provider,
      port,
      driver: new ControllerService({ port, defaultVolumeType: DEFAULT_VOLUME_TYPE }),
      objects: { classes, claims, volumes, attachments, nodes },
      logger: this.deps.logger.child({ cluster: cluster.metadata.uid, controller: 'storage' }),
      event: (object, event) => this.#event(memory, client, object, event, signal),
      forget: (object) => {
        for (const key of [...memory.said.keys()])
          if (key.startsWith(`${object.uid}/`)) memory.said.delete(key);
      },
      unwritten: memory.unwritten,
    };
  }

  #memoryOf(uid: string): ClusterMemory {
    let memory = this.#memory.get(uid);
    if (memory === undefined) {
      memory = { said: new Map(), unwritten: new Set() };
      this.#memory.set(uid, memory);
    }
    return memory;
  }

  /** Records an event once per object and reason while its message stays the same. */
  async #event(
    memory: ClusterMemory,
    client: ClusterStorageClient,
    object: ObjectRef,
    event: StorageEvent,
    signal: AbortSignal,
  ): Promise<void> {
    const key = `${object.uid}/${event.reason}`;
    if (memory.said.get(key) === event.message) return;
    memory.said.set(key, event.message);
    await client.recordEvent(object, event, signal);
  }
}

const PHASES: ReadonlyArray<[string, (pass: StoragePass) => Promise<void>]> = [
  ['fence', fencePhase],
  ['provision', provisionPhase],
  ['attach', attachPhase],
  ['resize', resizePhase],
  ['reclaim', reclaimPhase],
];
