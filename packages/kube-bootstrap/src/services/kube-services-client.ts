/**
 * The Service load-balancer controller's view of one cluster (`ClusterServicesClient`) over the
 * cluster's own API: Services, Nodes and EndpointSlices read as the controller needs them, and
 * the writes a cloud controller makes — Service status, its finalizer, Events.
 *
 * Writes carry the Service's uid, so a Service deleted and recreated under the same name is never
 * changed on behalf of its predecessor; finalizer edits carry the resourceVersion read, so a
 * concurrent change makes the write fail (409) and the next pass retry instead of losing it.
 */
import {
  SERVICE_FINALIZER,
  type ClusterNode,
  type ClusterService,
  type ClusterServicesClient,
  type ServiceEvent,
  type ServiceRef,
  type TlsSecret,
} from '@berth/controller-ports';
import { KubeApiError, MERGE_PATCH, type KubeApi } from '../kube-api.js';
import type { NodeObject } from '../node-readiness.js';
import { readinessOf } from '../node-readiness.js';

/** `source.component` of the Events Berth writes on Services. */
export const EVENT_SOURCE = 'berth-service-load-balancer';
const EXCLUDE_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

interface ServiceObject {
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    resourceVersion?: string;
    annotations?: Record<string, string>;
    finalizers?: string[];
    deletionTimestamp?: string;
  };
  spec?: {
    type?: string;
    loadBalancerClass?: string;
    externalTrafficPolicy?: string;
    loadBalancerSourceRanges?: string[];
    ports?: { name?: string; protocol?: string; port: number; nodePort?: number }[];
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

interface NodeWithAddresses extends NodeObject {
  status?: NodeObject['status'] & { addresses?: { type: string; address: string }[] };
}

interface EndpointSliceObject {
  endpoints?: { nodeName?: string; conditions?: { ready?: boolean } }[];
}

const path = {
  service: (ref: { namespace: string; name: string }) =>
    `/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/services/${encodeURIComponent(ref.name)}`,
};

export class KubeServicesClient implements ClusterServicesClient {
  constructor(private readonly api: KubeApi) {}

  async listServices(signal: AbortSignal): Promise<ClusterService[]> {
    const list = await this.api.request<{ items: ServiceObject[] }>('GET', '/api/v1/services', {
      signal,
    });
    return list.items
      .map(toClusterService)
      .filter((s) => s.type === 'LoadBalancer' || s.hasFinalizer);
  }

  async listNodes(signal: AbortSignal): Promise<ClusterNode[]> {
    const list = await this.api.request<{ items: NodeWithAddresses[] }>('GET', '/api/v1/nodes', {
      signal,
    });
    return list.items.map((node) => {
      const internalIp = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
      return {
        name: node.metadata.name,
        ...(internalIp === undefined ? {} : { internalIp }),
        ready: readinessOf(node).ready,
        excluded: node.metadata.labels?.[EXCLUDE_LABEL] !== undefined,
      };
    });
  }

  async endpointNodeNames(service: ServiceRef, signal: AbortSignal): Promise<Set<string>> {
    const selector = encodeURIComponent(`kubernetes.io/service-name=${service.name}`);
    const list = await this.api.request<{ items: EndpointSliceObject[] }>(
      'GET',
      `/apis/discovery.k8s.io/v1/namespaces/${encodeURIComponent(service.namespace)}/endpointslices?labelSelector=${selector}`,
      { signal },
    );
    const names = new Set<string>();
    for (const slice of list.items)
      for (const endpoint of slice.endpoints ?? [])
        // EndpointSlice API: an absent `ready` is to be read as ready.
        if (endpoint.nodeName !== undefined && endpoint.conditions?.ready !== false)
          names.add(endpoint.nodeName);
    return names;
  }

  async getTlsSecret(
    namespace: string,
    name: string,
    signal: AbortSignal,
  ): Promise<TlsSecret | undefined> {
    const secret = await this.api.get<{ type?: string; data?: Record<string, string> }>(
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`,
      { signal },
    );
    const crt = secret?.data?.['tls.crt'];
    const key = secret?.data?.['tls.key'];
    if (secret?.type !== 'kubernetes.io/tls' || crt === undefined || key === undefined)
      return undefined;
    const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');
    return { certificatePem: decode(crt), privateKeyPem: decode(key) };
  }

  async setIngress(service: ServiceRef, ips: string[], signal: AbortSignal): Promise<void> {
    const ingress = ips.length === 0 ? null : ips.map((ip) => ({ ip }));
    await this.#ignoreGone(() =>
      this.api.request('PATCH', `${path.service(service)}/status`, {
        body: { metadata: { uid: service.uid }, status: { loadBalancer: { ingress } } },
        contentType: MERGE_PATCH,
        signal,
      }),
    );
  }

  addFinalizer(service: ServiceRef, signal: AbortSignal): Promise<void> {
    return this.#editFinalizers(service, signal, (list) =>
      list.includes(SERVICE_FINALIZER) ? list : [...list, SERVICE_FINALIZER],
    );
  }

  removeFinalizer(service: ServiceRef, signal: AbortSignal): Promise<void> {
    return this.#editFinalizers(service, signal, (list) =>
      list.filter((f) => f !== SERVICE_FINALIZER),
    );
  }

  async recordEvent(service: ServiceRef, event: ServiceEvent, signal: AbortSignal): Promise<void> {
    const now = new Date().toISOString();
    await this.api.request(
      'POST',
      `/api/v1/namespaces/${encodeURIComponent(service.namespace)}/events`,
      {
        body: {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { generateName: `${service.name}.`, namespace: service.namespace },
          involvedObject: {
            apiVersion: 'v1',
            kind: 'Service',
            namespace: service.namespace,
            name: service.name,
            uid: service.uid,
          },
          type: event.type,
          reason: event.reason,
          message: event.message,
          source: { component: EVENT_SOURCE },
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
        signal,
      },
    );
  }

  async #editFinalizers(
    ref: ServiceRef,
    signal: AbortSignal,
    edit: (finalizers: string[]) => string[],
  ): Promise<void> {
    const current = await this.api.get<ServiceObject>(path.service(ref), { signal });
    if (current === undefined || current.metadata.uid !== ref.uid) return;
    const before = current.metadata.finalizers ?? [];
    const after = edit(before);
    if (after.length === before.length && after.every((f, i) => f === before[i])) return;
    await this.#ignoreGone(() =>
      this.api.request('PATCH', path.service(ref), {
        body: {
          metadata: {
            uid: ref.uid,
            resourceVersion: current.metadata.resourceVersion,
            finalizers: after,
          },
        },
        contentType: MERGE_PATCH,
        signal,
      }),
    );
  }

  /** A Service deleted meanwhile needs nothing more. */
  async #ignoreGone(write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return;
      throw err;
    }
  }
}

function toClusterService(s: ServiceObject): ClusterService {
  const ingressIps = (s.status?.loadBalancer?.ingress ?? [])
    .map((i) => i.ip)
    .filter((ip): ip is string => ip !== undefined);
  return {
    namespace: s.metadata.namespace,
    name: s.metadata.name,
    uid: s.metadata.uid,
    type: s.spec?.type ?? 'ClusterIP',
    ...(s.spec?.loadBalancerClass === undefined
      ? {}
      : { loadBalancerClass: s.spec.loadBalancerClass }),
    annotations: s.metadata.annotations ?? {},
    ports: (s.spec?.ports ?? []).map((p) => ({
      ...(p.name === undefined ? {} : { name: p.name }),
      protocol: p.protocol ?? 'TCP',
      port: p.port,
      ...(p.nodePort === undefined ? {} : { nodePort: p.nodePort }),
    })),
    externalTrafficPolicy: s.spec?.externalTrafficPolicy === 'Local' ? 'Local' : 'Cluster',
    sourceRanges: s.spec?.loadBalancerSourceRanges ?? [],
    hasFinalizer: s.metadata.finalizers?.includes(SERVICE_FINALIZER) ?? false,
    deleting: s.metadata.deletionTimestamp !== undefined,
    ingressIps,
  };
}
