/**
 * What the Service load-balancer controller needs from a cluster's Kubernetes API, as a narrow
 * port: the Services it manages, the Nodes that can carry their traffic, and the few writes a
 * cloud controller makes (status, finalizer, events). The real implementation is in
 * `@berth/kube-bootstrap`; tests use a fake at this boundary.
 */
import type { Cluster } from '@berth/api-types';

/** The finalizer Berth puts on every Service it made a load balancer for. */
export const SERVICE_FINALIZER = 'berth.dev/load-balancer';

export interface ServicePortSpec {
  name?: string;
  /** `TCP`, `UDP` or `SCTP`; only TCP is balanced. */
  protocol: string;
  port: number;
  /** Absent when the cluster allocated none (`allocateLoadBalancerNodePorts: false`). */
  nodePort?: number;
}

export interface ServiceRef {
  namespace: string;
  name: string;
  uid: string;
}

/** A Service as the controller reads it. */
export interface ClusterService extends ServiceRef {
  /** `spec.type`: `LoadBalancer` for the ones that want a load balancer. */
  type: string;
  /** `spec.loadBalancerClass`: Services naming a class are another controller's. */
  loadBalancerClass?: string;
  annotations: Record<string, string>;
  ports: ServicePortSpec[];
  externalTrafficPolicy: 'Cluster' | 'Local';
  /** `spec.loadBalancerSourceRanges`: client CIDRs admitted; empty admits everyone. */
  sourceRanges: string[];
  /** Whether `metadata.finalizers` holds SERVICE_FINALIZER. */
  hasFinalizer: boolean;
  /** `metadata.deletionTimestamp` is set. */
  deleting: boolean;
  /** `status.loadBalancer.ingress[].ip`, in order. */
  ingressIps: string[];
}

export interface ClusterNode {
  name: string;
  /** The Node's InternalIP address, if it reports one. */
  internalIp?: string;
  /** Its Ready condition is True. */
  ready: boolean;
  /** Labelled `node.kubernetes.io/exclude-from-external-load-balancers`. */
  excluded: boolean;
  /** `spec.podCIDRs` (the controller-manager allocates them); empty until allocated. */
  podCidrs: string[];
}

export interface TlsSecret {
  certificatePem: string;
  privateKeyPem: string;
}

export interface ServiceEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/**
 * One cluster's API, connected. Methods throw on transport or API failures (the pass retries);
 * writes are idempotent (adding a finalizer that is there, removing one that is not, resolve).
 */
export interface ClusterServicesClient {
  /** Services of type LoadBalancer, and every other Service still carrying SERVICE_FINALIZER. */
  listServices(signal: AbortSignal): Promise<ClusterService[]>;
  listNodes(signal: AbortSignal): Promise<ClusterNode[]>;
  /** Names of the nodes that hold a ready endpoint of the Service (from its EndpointSlices). */
  endpointNodeNames(service: ServiceRef, signal: AbortSignal): Promise<Set<string>>;
  /** The certificate and key of a `kubernetes.io/tls` Secret; undefined when absent or another type. */
  getTlsSecret(
    namespace: string,
    name: string,
    signal: AbortSignal,
  ): Promise<TlsSecret | undefined>;
  /** Sets `status.loadBalancer.ingress` to these IPs (empty clears it). */
  setIngress(service: ServiceRef, ips: string[], signal: AbortSignal): Promise<void>;
  addFinalizer(service: ServiceRef, signal: AbortSignal): Promise<void>;
  removeFinalizer(service: ServiceRef, signal: AbortSignal): Promise<void>;
  recordEvent(service: ServiceRef, event: ServiceEvent, signal: AbortSignal): Promise<void>;
}

export type ClusterServicesConnection = { client: ClusterServicesClient } | { unreachable: string };

export interface ClusterServicesApi {
  /** A client for the cluster's API, or why it cannot be reached now (not an error: retry later). */
  connect(
    cluster: Cluster,
    vipAddress: string,
    signal: AbortSignal,
  ): Promise<ClusterServicesConnection>;
}
