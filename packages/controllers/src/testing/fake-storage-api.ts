/**
 * A fake cluster API at the ClusterStorageApi boundary, for tests: StorageClasses, claims, PVs,
 * VolumeAttachments and Nodes in memory, with the API server's finalizer semantics (removing
 * the finalizer of a deleting VolumeAttachment removes it) and, on request, what Kubernetes' PV
 * controller does (`bind`, `deleteClaim`). Every write and event is recorded.
 */
import type {
  AttachmentView,
  ClaimView,
  ClusterStorageApi,
  ClusterStorageClient,
  ClusterStorageConnection,
  NewVolume,
  ObjectRef,
  StorageClassView,
  StorageEvent,
  StorageNodeView,
  VolumeView,
} from '@berth/controller-ports';

export interface RecordedStorageEvent extends StorageEvent {
  object: ObjectRef;
}

/** A VolumeAttachment with the status the attacher wrote. */
export interface FakeAttachment extends AttachmentView {
  metadata?: Record<string, string>;
  error?: string;
}

type Method = keyof ClusterStorageClient;

let uidCounter = 0;
export const newUid = (kind: string) => `${kind}-uid-${++uidCounter}`;

export class FakeStorageApi implements ClusterStorageApi {
  readonly classes = new Map<string, StorageClassView>();
  /** Claims by `namespace/name`. */
  readonly claims = new Map<string, ClaimView>();
  readonly volumes = new Map<string, VolumeView>();
  /** The PVs as the controller asked for them (node affinity, claim ref, …). */
  readonly created = new Map<string, NewVolume>();
  readonly attachments = new Map<string, FakeAttachment>();
  readonly nodes = new Map<string, StorageNodeView>();
  readonly events: RecordedStorageEvent[] = [];
  /** `method name`, in call order, of every write. */
  readonly writes: string[] = [];
  /** Methods that throw this error when called (API failures). */
  readonly failing = new Map<Method, Error>();
  /** Set to a reason to make `connect` report the API unreachable. */
  unreachable: string | undefined;

  connect(): Promise<ClusterStorageConnection> {
    if (this.unreachable !== undefined) return Promise.resolve({ unreachable: this.unreachable });
    return Promise.resolve({ client: this.#client() });
  }

  claim(name: string, namespace = 'default'): ClaimView | undefined {
    return this.claims.get(`${namespace}/${name}`);
  }

  eventsOf(uid: string): string[] {
    return this.events
      .filter((e) => e.object.uid === uid)
      .map((e) => `${e.type} ${e.reason}: ${e.message}`);
  }

  /** The PV controller: pre-bound PVs and their claims become Bound. */
  bind(): void {
    for (const pv of this.volumes.values()) {
      const claim = pv.claim && this.claim(pv.claim.name, pv.claim.namespace);
      if (claim === undefined || claim.uid !== pv.claim?.uid || claim.phase === 'Bound') continue;
      Object.assign(claim, {
        phase: 'Bound',
        volumeName: pv.name,
        capacityBytes: pv.capacityBytes,
      });
      pv.phase = 'Bound';
    }
  }

  /** `kubectl delete pvc`, then the PV controller: its PV is Released. */
  deleteClaim(name: string, namespace = 'default'): void {
    const claim = this.claim(name, namespace);
    if (claim === undefined) return;
    this.claims.delete(`${namespace}/${name}`);
    for (const pv of this.volumes.values())
      if (pv.claim?.uid === claim.uid && pv.phase === 'Bound') pv.phase = 'Released';
  }

  /** `kubectl delete volumeattachment` (or the attach-detach controller's): held by its finalizer. */
  deleteAttachment(name: string): void {
    const va = this.attachments.get(name);
    if (va === undefined) return;
    if (va.hasFinalizer) va.deleting = true;
    else this.attachments.delete(name);
  }

  #client(): ClusterStorageClient {
    const list = <T>(method: Method, items: Map<string, T>) =>
      this.#call(method, '', () => [...items.values()].map((i) => structuredClone(i)));
    return {
      listClasses: () => list('listClasses', this.classes),
      listClaims: () => list('listClaims', this.claims),
      listVolumes: () => list('listVolumes', this.volumes),
      listAttachments: () =>
        this.#call('listAttachments', '', () =>
          [...this.attachments.values()].map(({ metadata: _m, error: _e, ...view }) =>
            structuredClone(view),
          ),
        ),
      listNodes: () => list('listNodes', this.nodes),
      createVolume: (volume) =>
        this.#call('createVolume', volume.name, () => {
          if (this.volumes.has(volume.name)) return;
          this.created.set(volume.name, structuredClone(volume));
          this.volumes.set(volume.name, {
            name: volume.name,
            uid: newUid('pv'),
            driver: volume.driver,
            volumeHandle: volume.volumeHandle,
            capacityBytes: volume.capacityBytes,
            phase: 'Available',
            reclaimPolicy: volume.reclaimPolicy,
            claim: { ...volume.claim },
            accessModes: [...volume.accessModes],
            volumeMode: volume.volumeMode,
            annotations: { ...volume.annotations },
            deleting: false,
          });
        }),
      deleteVolume: (name) =>
        this.#call('deleteVolume', name, () => {
          this.volumes.delete(name);
        }),
      setVolumeCapacity: (name, bytes) =>
        this.#call('setVolumeCapacity', name, () => {
          const pv = this.volumes.get(name);
          if (pv !== undefined) pv.capacityBytes = bytes;
        }),
      setClaimResize: (ref, update) =>
        this.#call(
          'setClaimResize',
          `${ref.namespace}/${ref.name} ${update.status ?? 'done'}`,
          () => {
            const claim = this.claim(ref.name, ref.namespace);
            if (claim === undefined || claim.uid !== ref.uid) return;
            claim.allocatedBytes = update.allocatedBytes;
            if (update.status === undefined) delete claim.resizeStatus;
            else claim.resizeStatus = update.status;
            if (update.capacityBytes !== undefined) claim.capacityBytes = update.capacityBytes;
          },
        ),
      setAttachmentFinalizer: (name, present) =>
        this.#call('setAttachmentFinalizer', `${name} ${present}`, () => {
          const va = this.attachments.get(name);
          if (va === undefined) return;
          va.hasFinalizer = present;
          if (!present && va.deleting) this.attachments.delete(name);
        }),
      setAttachmentStatus: (name, status) =>
        this.#call('setAttachmentStatus', `${name} ${status.attached}`, () => {
          const va = this.attachments.get(name);
          if (va === undefined) return;
          va.attached = status.attached;
          if (status.metadata === undefined) delete va.metadata;
          else va.metadata = { ...status.metadata };
          if (status.error === undefined) delete va.error;
          else va.error = status.error;
        }),
      setOutOfService: (node, present) =>
        this.#call('setOutOfService', `${node} ${present}`, () => {
          const view = this.nodes.get(node);
          if (view !== undefined) view.outOfService = present;
        }),
      recordEvent: (object, event) =>
        this.#call('recordEvent', `${object.kind} ${object.name}`, () => {
          this.events.push({ object: { ...object }, ...event });
        }),
    };
  }

  #call<T>(method: Method, target: string, act: () => T): Promise<T> {
    const failure = this.failing.get(method);
    if (failure !== undefined) return Promise.reject(failure);
    if (!method.startsWith('list')) this.writes.push(`${method} ${target}`.trim());
    return Promise.resolve(act());
  }
}
