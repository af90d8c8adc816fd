/**
 * A fake cluster API at the ClusterServicesApi boundary, for tests: Services, Nodes, endpoint
 * nodes and TLS Secrets in memory, with the API server's finalizer semantics (a Service with
 * finalizers is only marked deleting; removing the last finalizer of such a Service removes it).
 */
import type {
  ClusterNode,
  ClusterService,
  ClusterServicesApi,
  ClusterServicesClient,
  ClusterServicesConnection,
  ServiceEvent,
  ServiceRef,
  TlsSecret,
} from '@berth/controller-ports';

export interface RecordedEvent extends ServiceEvent {
  service: string;
}

let uidCounter = 0;

export class FakeServicesApi implements ClusterServicesApi {
  readonly services = new Map<string, ClusterService>();
  nodes: ClusterNode[] = [];
  readonly endpoints = new Map<string, Set<string>>();
  readonly secrets = new Map<string, TlsSecret>();
  readonly events: RecordedEvent[] = [];
  /** Set to a reason to make `connect` report the API unreachable. */
  unreachable: string | undefined;

  connect(): Promise<ClusterServicesConnection> {
    if (this.unreachable !== undefined) return Promise.resolve({ unreachable: this.unreachable });
    return Promise.resolve({ client: this.#client() });
  }

  /** Adds a Service of type LoadBalancer (fields overridable) and returns it. */
  addService(name: string, fields: Partial<ClusterService> = {}): ClusterService {
    const service: ClusterService = {
      namespace: 'default',
      name,
      uid: `svc-${name}-${++uidCounter}`,
      type: 'LoadBalancer',
      annotations: {},
      ports: [{ protocol: 'TCP', port: 80, nodePort: 30080 }],
      externalTrafficPolicy: 'Cluster',
      sourceRanges: [],
      hasFinalizer: false,
      deleting: false,
      ingressIps: [],
      ...fields,
    };
    this.services.set(keyOf(service), service);
    return service;
  }

  get(name: string, namespace = 'default'): ClusterService | undefined {
    return this.services.get(`${namespace}/${name}`);
  }

  /** `kubectl delete service`: marked deleting while a finalizer holds it. */
  deleteService(name: string, namespace = 'default'): void {
    const service = this.get(name, namespace);
    if (service === undefined) return;
    if (service.hasFinalizer) service.deleting = true;
    else this.services.delete(keyOf(service));
  }

  eventsOf(name: string, namespace = 'default'): RecordedEvent[] {
    return this.events.filter((e) => e.service === `${namespace}/${name}`);
  }

  #client(): ClusterServicesClient {
    const mutate = (ref: ServiceRef, change: (s: ClusterService) => void) => {
      const service = this.services.get(keyOf(ref));
      if (service !== undefined && service.uid === ref.uid) change(service);
      return Promise.resolve();
    };
    return {
      listServices: () =>
        Promise.resolve(
          [...this.services.values()]
            .filter((s) => s.type === 'LoadBalancer' || s.hasFinalizer)
            .map((s) => structuredClone(s)),
        ),
      listNodes: () => Promise.resolve(structuredClone(this.nodes)),
      endpointNodeNames: (ref) => Promise.resolve(new Set(this.endpoints.get(keyOf(ref)) ?? [])),
      getTlsSecret: (namespace, name) => Promise.resolve(this.secrets.get(`${namespace}/${name}`)),
      setIngress: (ref, ips) => mutate(ref, (s) => (s.ingressIps = [...ips])),
      addFinalizer: (ref) => mutate(ref, (s) => (s.hasFinalizer = true)),
      removeFinalizer: (ref) =>
        mutate(ref, (s) => {
          s.hasFinalizer = false;
          if (s.deleting) this.services.delete(keyOf(s));
        }),
      recordEvent: (ref, event) => {
        this.events.push({ service: keyOf(ref), ...event });
        return Promise.resolve();
      },
    };
  }
}

function keyOf(ref: { namespace: string; name: string }): string {
  return `${ref.namespace}/${ref.name}`;
}
