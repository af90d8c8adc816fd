/**
 * AddonReconciler, keyed by cluster uid: installs, upgrades and removes the addons of
 * `spec.addons` in the cluster and reports what it found. A pass:
 *
 * 1. **read** — the cluster; nothing to do unless it serves (control plane up, not stopped or
 *    deleting) and has addons wanted or left over;
 * 2. **install** each wanted addon — render its objects (`@berth/addons`), server-side apply them
 *    (field manager `berth-addons`), prune objects of it the new version no longer has, then
 *    judge its workloads (readiness.ts);
 * 3. **remove** each addon found in the cluster (by the label `addons.berth.dev/name`) but no
 *    longer wanted — delete every object carrying its label, Services first, so the Service
 *    load-balancer controller deletes their load balancers; `Removing` until none is left;
 * 4. **report** — `status.addons`, the AddonsReady condition, an event per phase change, and the
 *    addon operations (AddonInstall ends with the addon Installed or Failed, AddonRemove once
 *    it is gone).
 *
 * Cluster deletion needs nothing from here: teardown deletes the servers and every Service load
 * balancer of the cluster by its tags.
 */
import { createHash } from 'node:crypto';
import type { AddonStatus, Cluster, ClusterAddon, Operation } from '@berth/api-types';
import type { Logger, Reconciler, Result } from '@berth/controller-kit';
import {
  ADDON_FIELD_MANAGER,
  ADDON_KINDS,
  ADDON_LABEL,
  INSTALLABLE_ADDONS,
  MONITORING,
  WORKLOAD_KINDS,
  catalogItem,
  renderAddon,
} from '@berth/addons';
import {
  ADDONS_READY,
  type AddonObject,
  type AddonObjectRef,
  type ClusterAddonsApi,
  type ClusterAddonsClient,
  type ControllerStore,
} from '@berth/controller-ports';
import { apiVipAddress } from '../cluster/addresses.js';
import { errorMessage } from '../failures.js';
import { judgeWorkloads } from './readiness.js';
import { addonOperationUpdate } from './addon-operations.js';
import { addonsCondition, sameCondition } from './addons-condition.js';

export interface AddonPolicy {
  /** How long workloads may take to become available before the addon is Failed. */
  readyTimeoutMs: number;
  /** Re-read period while an addon is Installing or Removing. */
  waitMs: number;
  /** Re-read period once everything settled (drift is repaired this often). */
  resyncMs: number;
}

/** Five minutes: pulling a 50 MB image and two pods' readiness take well under one here. */
export const DEFAULT_ADDON_POLICY: AddonPolicy = {
  readyTimeoutMs: 300_000,
  waitMs: 2_000,
  resyncMs: 15_000,
};

const CUSTOM_KINDS: ReadonlySet<string> = new Set(
  ADDON_KINDS.filter((k) => k.custom === true).map((k) => k.kind),
);

const SERVING_PHASES = new Set(['Running', 'Reconciling', 'Upgrading']);

const CRD_KIND = 'CustomResourceDefinition';

export interface AddonControllerDeps {
  store: Pick<
    ControllerStore,
    'getCluster' | 'updateClusterAddons' | 'recordEvent' | 'listOpenOperations' | 'updateOperation'
  >;
  addons: ClusterAddonsApi;
  logger: Logger;
  now: () => Date;
  policy: AddonPolicy;
}

interface AddonsPass {
  cluster: Cluster;
  client: ClusterAddonsClient;
  present: AddonObjectRef[];
  previous: Map<string, AddonStatus>;
  signal: AbortSignal;
}

/**
 * How often CRDs already applied unchanged are applied again (so one deleted by hand comes back):
 * the Prometheus Operator's are about 570 KB, too much to send on every 2 s pass.
 */
export const CRD_REFRESH_MS = 10 * 60_000;

export class AddonReconciler implements Reconciler {
  constructor(private readonly deps: AddonControllerDeps) {}

  /** By cluster uid and addon: the hash of the CRDs last applied without error, and when. */
  readonly #crdsApplied = new Map<string, { hash: string; at: number }>();

  async reconcile(uid: string, signal: AbortSignal): Promise<Result | void> {
    const cluster = await this.deps.store.getCluster(uid);
    if (cluster === undefined || cluster.metadata.deletionRequestedAt !== undefined) {
      for (const key of this.#crdsApplied.keys())
        if (key.startsWith(`${uid}/`)) this.#crdsApplied.delete(key);
      return;
    }
    const wanted = cluster.spec.addons.filter((a) => INSTALLABLE_ADDONS.has(a.name));
    const previous = new Map((cluster.status.addons ?? []).map((a) => [a.name, a]));
    // Nothing wanted, nothing reported and no addon operation to finish: nothing to do.
    if (wanted.length === 0 && previous.size === 0 && !(await this.#openOperations(uid))) return;
    const { policy } = this.deps;
    if (!serving(cluster)) return { requeueAfterMs: policy.resyncMs };
    const vip = apiVipAddress(cluster.spec.network.subnetCidr);
    const connection = await this.deps.addons.connect(cluster, vip, signal);
    if ('unreachable' in connection) {
      this.deps.logger.debug(
        { cluster: uid, why: connection.unreachable },
        'cluster API unreachable',
      );
      return { requeueAfterMs: policy.waitMs };
    }
    const { client } = connection;
    const present = await client.list(ADDON_LABEL, ADDON_KINDS, signal);
    const pass: AddonsPass = { cluster, client, present, previous, signal };
    const statuses: AddonStatus[] = [];
    for (const addon of wanted)
      statuses.push(await this.#guarded(pass, addon.name, () => this.#install(pass, addon)));
    const leftovers = new Set(present.map((r) => r.addon));
    for (const name of leftovers) {
      if (wanted.some((a) => a.name === name)) continue;
      statuses.push(await this.#guarded(pass, name, () => this.#remove(pass, name)));
    }
    await this.#report(pass, statuses);
    const settled = statuses.every((s) => s.phase === 'Installed' || s.phase === 'Failed');
    return { requeueAfterMs: settled ? policy.resyncMs : policy.waitMs };
  }

  async #openOperations(uid: string): Promise<boolean> {
    const open = await this.deps.store.listOpenOperations(uid);
    return open.some((op) => op.target.addon !== undefined);
  }

  async #install(pass: AddonsPass, addon: ClusterAddon): Promise<AddonStatus> {
    const { cluster, client, signal } = pass;
    const version = addon.version ?? catalogItem(addon.name)?.defaultVersion ?? 'unknown';
    const since = this.#since(pass, addon.name, version);
    const status = (phase: AddonStatus['phase'], reason: string, message: string) =>
      this.#status(pass, { name: addon.name, version, phase, reason, message }, since);
    let rendered;
    try {
      const crds =
        addon.name === MONITORING ? await this.deps.addons.customResourceDefinitions(signal) : [];
      rendered = renderAddon(
        { ...addon, version },
        {
          images: this.deps.addons.images(cluster),
          subnetCidr: cluster.spec.network.subnetCidr,
          crds,
        },
      );
    } catch (err) {
      return status('Failed', 'InvalidSettings', errorMessage(err));
    }
    if ('missing' in rendered) return status('Failed', 'NotRenderable', rendered.missing);
    await this.#apply(pass, addon.name, rendered.objects);
    const keep = new Set(rendered.objects.map((o) => refKey({ ...o.metadata, ...o })));
    // Only what Berth applied is pruned: an operator's objects carry the addon label too.
    const stale = pass.present.filter(
      (r) => r.addon === addon.name && r.managedByBerth && !keep.has(refKey(r)),
    );
    for (const object of stale) await client.delete(object, signal);
    const expected = rendered.objects.filter((o) => WORKLOAD_KINDS.has(o.kind)).length;
    const workloads = await client.workloads(ADDON_LABEL, addon.name, signal);
    const waited = this.deps.now().getTime() - Date.parse(since);
    const judged = judgeWorkloads(workloads, expected, waited, this.deps.policy.readyTimeoutMs);
    return status(judged.phase, judged.reason, judged.message);
  }

  /**
   * Server-side applies an addon's objects; its CRDs (first in the list) only when they changed
   * since they were last applied to this cluster, or CRD_REFRESH_MS ago. An apply that fails
   * forgets them, so the next pass sends them again.
   */
  async #apply(pass: AddonsPass, name: string, objects: readonly AddonObject[]): Promise<void> {
    const key = `${pass.cluster.metadata.uid}/${name}`;
    const crds = objects.filter((o) => o.kind === CRD_KIND);
    const hash = createHash('sha256').update(JSON.stringify(crds)).digest('hex');
    const now = this.deps.now().getTime();
    const last = this.#crdsApplied.get(key);
    const fresh = last !== undefined && last.hash === hash && now - last.at < CRD_REFRESH_MS;
    const send = fresh ? objects.filter((o) => o.kind !== CRD_KIND) : objects;
    try {
      await pass.client.apply(send, ADDON_FIELD_MANAGER, pass.signal);
    } catch (err) {
      this.#crdsApplied.delete(key);
      throw err;
    }
    if (crds.length > 0 && !fresh) this.#crdsApplied.set(key, { hash, at: now });
  }

  /**
   * One addon's work; a failure (an object the API refuses, a dropped connection) is reported
   * on that addon and retried on the next pass, never stopping the others. Installing past the
   * timeout turns it into Failed, as unready workloads do.
   */
  async #guarded(pass: AddonsPass, name: string, work: () => Promise<AddonStatus>) {
    try {
      return await work();
    } catch (err) {
      pass.signal.throwIfAborted();
      const wanted = pass.cluster.spec.addons.find((a) => a.name === name);
      const version = wanted?.version ?? pass.previous.get(name)?.version;
      const since = this.#since(pass, name, version);
      const waited = this.deps.now().getTime() - Date.parse(since);
      const phase =
        wanted === undefined
          ? 'Removing'
          : waited >= this.deps.policy.readyTimeoutMs
            ? 'Failed'
            : 'Installing';
      const reason = wanted === undefined ? 'RemoveFailed' : 'ApplyFailed';
      this.deps.logger.warn({ cluster: pass.cluster.metadata.uid, addon: name, err }, reason);
      return this.#status(
        pass,
        {
          name,
          ...(version === undefined ? {} : { version }),
          phase,
          reason,
          message: errorMessage(err),
        },
        since,
      );
    }
  }

  /**
   * Deletes what is left of the addon; its status stays `Removing` until nothing is. Custom
   * resources go first, alone, so the operator that watches them is still there to clean up.
   */
  async #remove(pass: AddonsPass, name: string): Promise<AddonStatus> {
    const objects = pass.present.filter((r) => r.addon === name);
    const custom = objects.filter((o) => CUSTOM_KINDS.has(o.kind));
    const now = custom.length > 0 ? custom : objects;
    for (const object of now.filter((o) => !o.deleting))
      await pass.client.delete(object, pass.signal);
    const waiting = objects.map(
      (o) => `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`,
    );
    const version = pass.previous.get(name)?.version;
    return this.#status(
      pass,
      {
        name,
        ...(version === undefined ? {} : { version }),
        phase: 'Removing',
        reason: 'DeletingObjects',
        message: `waiting for ${waiting.length} objects to go: ${waiting.slice(0, 3).join(', ')}${waiting.length > 3 ? ', …' : ''}`,
      },
      this.#since(pass, name, version),
    );
  }

  /**
   * When the current install attempt began: an addon still Installing (or Failed) at the same
   * version and cluster generation keeps its start; anything else — a first install, a changed
   * spec, an Installed addon whose pods went away — starts now. The Failed timeout counts from it.
   */
  #since(pass: AddonsPass, name: string, version: string | undefined): string {
    const before = pass.previous.get(name);
    const attempt =
      before?.lastTransitionTime !== undefined &&
      (before.phase === 'Installing' || before.phase === 'Failed') &&
      before.version === version &&
      before.observedGeneration === pass.cluster.metadata.generation;
    return attempt ? before.lastTransitionTime! : this.deps.now().toISOString();
  }

  /**
   * `lastTransitionTime` is, for Installing and Failed, when the attempt began; for Installed and
   * Removing, when the addon entered the phase.
   */
  #status(
    pass: AddonsPass,
    s: Omit<AddonStatus, 'observedGeneration' | 'lastTransitionTime'>,
    since: string,
  ): AddonStatus {
    const before = pass.previous.get(s.name);
    const kept = before?.phase === s.phase ? before.lastTransitionTime : undefined;
    const lastTransitionTime =
      s.phase === 'Installing' || s.phase === 'Failed'
        ? since
        : (kept ?? this.deps.now().toISOString());
    return { ...s, observedGeneration: pass.cluster.metadata.generation, lastTransitionTime };
  }

  async #report(pass: AddonsPass, statuses: AddonStatus[]): Promise<void> {
    const { cluster } = pass;
    const uid = cluster.metadata.uid;
    const condition = addonsCondition(cluster, statuses, this.deps.now());
    const before = cluster.status.addons ?? [];
    const beforeCondition = cluster.status.conditions.find((c) => c.type === ADDONS_READY);
    if (
      JSON.stringify(before) !== JSON.stringify(statuses) ||
      !sameCondition(beforeCondition, condition)
    )
      await this.deps.store.updateClusterAddons(uid, { addons: statuses, condition });
    for (const s of statuses) {
      if (pass.previous.get(s.name)?.phase === s.phase) continue;
      await this.#event(uid, s);
    }
    for (const gone of before.filter((b) => !statuses.some((s) => s.name === b.name)))
      await this.deps.store.recordEvent(uid, {
        type: 'Normal',
        reason: 'AddonRemoved',
        message: `addon ${gone.name}: every object it made is gone`,
      });
    for (const op of await this.deps.store.listOpenOperations(uid)) {
      if (op.target.addon === undefined) continue;
      const update = addonOperationUpdate(op, cluster, statuses);
      if (update !== undefined && !sameUpdate(op, update))
        await this.deps.store.updateOperation(op.id, update);
    }
  }

  async #event(uid: string, s: AddonStatus): Promise<void> {
    this.deps.logger.info({ cluster: uid, addon: s.name, phase: s.phase }, s.message ?? s.phase);
    await this.deps.store.recordEvent(uid, {
      type: s.phase === 'Failed' ? 'Warning' : 'Normal',
      reason: `Addon${s.phase}`,
      message: `addon ${s.name}${s.version ? ` ${s.version}` : ''}: ${s.message ?? s.phase}`,
    });
  }
}

function sameUpdate(
  op: Operation,
  u: { phase: string; progress: number; message: string },
): boolean {
  return op.phase === u.phase && op.progress === u.progress && op.message === u.message;
}

function refKey(r: {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string | undefined;
}): string {
  return `${r.apiVersion}/${r.kind}/${r.namespace ?? ''}/${r.name}`;
}

/** Clusters whose control plane came up at least once and is not being stopped or deleted. */
function serving(cluster: Cluster): boolean {
  return (
    !cluster.spec.stopped &&
    cluster.status.version !== undefined &&
    SERVING_PHASES.has(cluster.status.phase)
  );
}
