/**
 * Drains a node as `kubectl drain` does: cordon it, evict its pods through the Eviction API (so
 * PodDisruptionBudgets are honoured: a 429 means "not now", retried until the deadline), leave
 * DaemonSet and mirror pods (they belong to the node), wait for the evicted pods to be gone,
 * then delete the Node object. Safe to repeat; a node that no longer exists is drained.
 *
 * @throws BERTH_ERR_TIMEOUT (retryable) when pods remain at the deadline, naming them and why
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BerthError } from '@berth/errors';
import { KubeApiError, MERGE_PATCH, type KubeApi } from './kube-api.js';

export interface DrainOptions {
  nodeName: string;
  /** Epoch ms after which the drain gives up (the next reconcile pass resumes it). */
  deadline: number;
  now: () => number;
  signal?: AbortSignal;
  /** Pause between eviction rounds. Default 1 s. */
  pollMs?: number;
}

interface Pod {
  metadata: {
    name: string;
    namespace: string;
    deletionTimestamp?: string;
    annotations?: Record<string, string>;
    ownerReferences?: { kind: string; controller?: boolean }[];
  };
  status?: { phase?: string };
}

export async function drainNode(api: KubeApi, options: DrainOptions): Promise<void> {
  const { nodeName, signal } = options;
  const opts = signal ? { signal } : {};
  const path = `/api/v1/nodes/${nodeName}`;
  if ((await api.get(path, opts)) === undefined) return;
  await api.request('PATCH', path, {
    body: { spec: { unschedulable: true } },
    contentType: MERGE_PATCH,
    ...opts,
  });
  const blocked = new Map<string, string>();
  for (;;) {
    const pods = (await podsOn(api, nodeName, opts)).filter(mustLeave);
    if (pods.length === 0) break;
    blocked.clear();
    for (const pod of pods.filter((p) => p.metadata.deletionTimestamp === undefined)) {
      const why = await evict(api, pod, opts);
      if (why !== undefined) blocked.set(`${pod.metadata.namespace}/${pod.metadata.name}`, why);
    }
    if (options.now() >= options.deadline) throw timedOut(nodeName, pods, blocked);
    await sleep(options.pollMs ?? 1000, undefined, opts);
  }
  try {
    await api.request('DELETE', path, opts);
  } catch (err) {
    if (!(err instanceof KubeApiError && err.status === 404)) throw err;
  }
}

async function podsOn(api: KubeApi, nodeName: string, opts: { signal?: AbortSignal }) {
  const selector = encodeURIComponent(`spec.nodeName=${nodeName}`);
  const list = await api.request<{ items: Pod[] }>(
    'GET',
    `/api/v1/pods?fieldSelector=${selector}`,
    opts,
  );
  return list.items;
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
  api: KubeApi,
  pod: Pod,
  opts: { signal?: AbortSignal },
): Promise<string | undefined> {
  const { name, namespace } = pod.metadata;
  try {
    await api.request('POST', `/api/v1/namespaces/${namespace}/pods/${name}/eviction`, {
      body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } },
      ...opts,
    });
    return undefined;
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) return undefined;
    if (err instanceof KubeApiError && err.status === 429)
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
