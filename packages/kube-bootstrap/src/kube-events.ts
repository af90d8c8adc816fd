/**
 * Events Berth writes in a cluster about its objects (a Service's load balancer, a claim's
 * volume), as a controller of the cluster would: core/v1 Events naming the object and Berth's
 * component as their source.
 */
import type { KubeClient } from './kube-client.js';

export interface InvolvedObject {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  /** Absent for cluster-scoped objects; their events go to `default`. */
  namespace?: string;
}

export interface BerthEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export async function recordKubeEvent(
  api: KubeClient,
  object: InvolvedObject,
  event: BerthEvent,
  component: string,
  signal: AbortSignal,
): Promise<void> {
  const now = new Date();
  const namespace = object.namespace ?? 'default';
  await api.call(
    `record event on ${object.kind} ${object.namespace === undefined ? '' : `${object.namespace}/`}${object.name}`,
    (k) =>
      k.core.createNamespacedEvent({
        namespace,
        body: {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { generateName: `${object.name}.`, namespace },
          involvedObject: object,
          type: event.type,
          reason: event.reason,
          message: event.message,
          source: { component },
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      }),
    { signal },
  );
}
