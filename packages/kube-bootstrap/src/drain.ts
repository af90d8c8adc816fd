/**
 * Drains a node as `kubectl drain` does: cordon it (and label it out of Service load balancers,
 * as it is about to be removed), evict its pods through the Eviction API (so
 * PodDisruptionBudgets are honoured: a 429 means "not now", retried until the deadline), leave
 * DaemonSet and mirror pods (they belong to the node), wait for the evicted pods to be gone,
 * then delete the Node object. Safe to repeat; a node that no longer exists is drained.
 *
 * @throws BERTH_ERR_TIMEOUT (retryable) when pods remain at the deadline, naming them and why
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BerthError } from '@berth/errors';
import type { V1Pod } from '@kubernetes/client-node';
import { isNotFound, KubeApiError, PatchStrategy, type KubeClient } from './kube-client.js';

export interface DrainOptions {
  nodeName: string;
  /** Epoch ms after which the drain gives up (the next reconcile pass resumes it). */
  deadline: number;
  now: () => number;
  signal?: AbortSignal;
  /** Pause between eviction rounds. Default 1 s. */
  pollMs?: number;
}

/** The well-known label that takes a node out of Service load balancers' pools. */
export const EXCLUDE_FROM_LOAD_BALANCERS =
  'node.kubernetes.io/exclude-from-external-load-balancers';

type Pod = V1Pod & { metadata: { name: string; namespace: string } };

export async function drainNode(api: KubeClient, options: DrainOptions): Promise<void> {
  const { nodeName: name, signal } = options;
  const opts = signal ? { signal } : {};
  if ((await api.find(`read node ${name}`, (k) => k.core.readNode({ name }), opts)) === undefined)
    return;
  // Cordoned, and out of every Service load balancer: the node is about to go.
  await api.call(
    `cordon node ${name}`,
    (k) =>
      k.core.patchNode({
        name,
        body: {
          metadata: { labels: { [EXCLUDE_FROM_LOAD_BALANCERS]: 'true' } },
          spec: { unschedulable: true },
        },
      }),
    { ...opts, patch: PatchStrategy.MergePatch },
  );
  const blocked = new Map<string, string>();
  for (;;) {
    const pods = (await podsOn(api, name, opts)).filter(mustLeave);
    if (pods.length === 0) break;
    blocked.clear();
    for (const pod of pods.filter((p) => p.metadata.deletionTimestamp === undefined)) {
      const why = await evict(api, pod, opts);
      if (why !== undefined) blocked.set(`${pod.metadata.namespace}/${pod.metadata.name}`, why);
    }
    if (options.now() >= options.deadline) throw timedOut(name, pods, blocked);
    await sleep(options.pollMs ?? 1000, undefined, opts);
  }
  await api.find(`delete node ${name}`, (k) => k.core.deleteNode({ name }), opts);
}

async function podsOn(api: KubeClient, nodeName: string, opts: { signal?: AbortSignal }) {
  const list = await api.call(
    `list pods on ${nodeName}`,
    (k) => k.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${nodeName}` }),
    opts,
  );
  return list.items as Pod[];
}

/** Pods a drain must move: not DaemonSet-owned, not mirror pods, not already finished. */
function mustLeave(pod: Pod): boolean {
  const owners = pod.metadata.ownerReferences ?? [];
  if (owners.some((o) => o.controller === true && o.kind === 'DaemonSet')) return false;
  if (pod.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined) return false;
  return pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
}

/** Undefined when the eviction was accepted (or the pod is gone); else why it was refused. */
async function evict(
  api: KubeClient,
  pod: Pod,
  opts: { signal?: AbortSignal },
): Promise<string | undefined> {
  const { name, namespace } = pod.metadata;
  try {
    await api.call(
      `evict pod ${namespace}/${name}`,
      (k) =>
        k.core.createNamespacedPodEviction({
          name,
          namespace,
          body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } },
        }),
      opts,
    );
    return undefined;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    if (err instanceof KubeApiError && err.kubeStatus === 429)
      return 'its PodDisruptionBudget allows no disruption now';
    throw err;
  }
}

function timedOut(nodeName: string, pods: Pod[], blocked: Map<string, string>): BerthError {
  const names = pods.map((p) => {
    const key = `${p.metadata.namespace}/${p.metadata.name}`;
    return blocked.has(key) ? `${key} (${blocked.get(key)})` : `${key} (terminating)`;
  });
  return new BerthError(
    'BERTH_ERR_TIMEOUT',
    `draining node ${nodeName}: ${pods.length} pods have not left yet: ${names.join(', ')}`,
    { details: { node: nodeName } },
  );
}

/**
 * Deletes at once every pod still bound to a node whose machine is gone, as the pod garbage
 * collector does for a vanished node's pods after its quarantine. Their controllers replace them
 * on other nodes now, rather than after a node of the same name registers again and restarts
 * them in place. Returns how many it deleted.
 */
export async function releasePodsOf(
  api: KubeClient,
  nodeName: string,
  opts: { signal?: AbortSignal } = {},
): Promise<number> {
  let deleted = 0;
  for (const pod of await podsOn(api, nodeName, opts)) {
    const { name, namespace } = pod.metadata;
    const gone = await api.find(
      `delete pod ${namespace}/${name}`,
      (k) => k.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }),
      opts,
    );
    if (gone !== undefined) deleted++;
  }
  return deleted;
}
