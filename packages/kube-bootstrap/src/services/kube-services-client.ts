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
import type { V1Service } from '@kubernetes/client-node';
import { PatchStrategy, type KubeClient } from '../kube-client.js';
import { recordKubeEvent } from '../kube-events.js';
import type { NodeObject } from '../node-readiness.js';
import { readinessOf } from '../node-readiness.js';
import { EXCLUDE_FROM_LOAD_BALANCERS } from '../drain.js';

/** `source.component` of the Events Berth writes on Services. */
export const EVENT_SOURCE = 'berth-service-load-balancer';

type ServiceObject = V1Service & {
  metadata: { name: string; namespace: string; uid: string };
};

interface NodeWithAddresses extends NodeObject {
  spec?: NodeObject['spec'] & { podCIDR?: string; podCIDRs?: string[] };
  status?: NodeObject['status'] & { addresses?: { type: string; address: string }[] };
}

export class KubeServicesClient implements ClusterServicesClient {
  constructor(private readonly api: KubeClient) {}

  async listServices(signal: AbortSignal): Promise<ClusterService[]> {
    const { api } = this;
    const list = await api.call('list services', (k) => k.core.listServiceForAllNamespaces({}), {
      signal,
    });
    return (list.items as ServiceObject[])
      .map(toClusterService)
      .filter((s) => s.type === 'LoadBalancer' || s.hasFinalizer);
  }

  async listNodes(signal: AbortSignal): Promise<ClusterNode[]> {
    const { api } = this;
    const list = await api.call('list nodes', (k) => k.core.listNode({}), { signal });
    return (list.items as NodeWithAddresses[]).map((node) => {
      const internalIp = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
      return {
        name: node.metadata.name,
        ...(internalIp === undefined ? {} : { internalIp }),
        ready: readinessOf(node).ready,
        excluded: node.metadata.labels?.[EXCLUDE_FROM_LOAD_BALANCERS] !== undefined,
        podCidrs: node.spec?.podCIDRs ?? (node.spec?.podCIDR ? [node.spec.podCIDR] : []),
      };
    });
  }

  async endpointNodeNames(service: ServiceRef, signal: AbortSignal): Promise<Set<string>> {
    const { api } = this;
    const list = await api.call(
      `list EndpointSlices of ${service.namespace}/${service.name}`,
      (k) =>
        k.discovery.listNamespacedEndpointSlice({
          namespace: service.namespace,
          labelSelector: `kubernetes.io/service-name=${service.name}`,
        }),
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
    const { api } = this;
    const secret = await api.find(
      `read secret ${namespace}/${name}`,
      (k) => k.core.readNamespacedSecret({ namespace, name }),
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
    const { api } = this;
    const ingress = ips.length === 0 ? null : ips.map((ip) => ({ ip }));
    const body = { metadata: { uid: service.uid }, status: { loadBalancer: { ingress } } };
    await api.find(
      `set ingress of ${service.namespace}/${service.name}`,
      (k) =>
        k.core.patchNamespacedServiceStatus({
          namespace: service.namespace,
          name: service.name,
          body,
        }),
      { signal, patch: PatchStrategy.MergePatch },
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
    const { namespace, name, uid } = service;
    const object = { apiVersion: 'v1', kind: 'Service', namespace, name, uid };
    await recordKubeEvent(this.api, object, event, EVENT_SOURCE, signal);
  }

  async #editFinalizers(
    ref: ServiceRef,
    signal: AbortSignal,
    edit: (finalizers: string[]) => string[],
  ): Promise<void> {
    const { api } = this;
    const { namespace, name } = ref;
    const current = await api.find(
      `read service ${namespace}/${name}`,
      (k) => k.core.readNamespacedService({ namespace, name }),
      { signal },
    );
    if (current === undefined || current.metadata?.uid !== ref.uid) return;
    const before = current.metadata.finalizers ?? [];
    const after = edit(before);
    if (after.length === before.length && after.every((f, i) => f === before[i])) return;
    const body = {
      metadata: {
        uid: ref.uid,
        resourceVersion: current.metadata.resourceVersion,
        finalizers: after,
      },
    };
    await api.find(
      `edit finalizers of ${namespace}/${name}`,
      (k) => k.core.patchNamespacedService({ namespace, name, body }),
      { signal, patch: PatchStrategy.MergePatch },
    );
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
