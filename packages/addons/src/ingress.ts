/**
 * The ingress addon: Traefik in `berth-ingress`, as the seeds' scheme has it — a Deployment
 * (2 replicas by default, a PodDisruptionBudget) behind a `LoadBalancer` Service that Berth's
 * Service load-balancer controller turns into an ACTIVE_STANDBY load balancer whose pools speak
 * PROXY protocol v2 to the controller, so Traefik hands backends the client's real address
 * (`X-Forwarded-For`, `X-Real-Ip`). The IngressClass `berth` is the cluster's default.
 *
 * Why these choices:
 * - `externalTrafficPolicy: Local`: the amphorae reach the pods without kube-proxy's SNAT, so the
 *   connection's source is the amphora and the PROXY header is the only client address; only
 *   nodes holding a Traefik pod are members (docs/load-balancer-services.md).
 * - `proxyProtocol.trustedIPs` = the cluster's subnet: the amphorae's addresses come from it (and
 *   change when one is replaced); pods, on the pods CIDR, are not trusted to claim an address.
 * - `tls=loadbalancer` (the alternative scheme): TLS ends at the amphorae with one Secret's
 *   certificate, HTTP listeners and pools, X-Forwarded-For from the amphorae, trusted from the
 *   same subnet (`forwardedHeaders.trustedIPs`).
 * - Unprivileged ports 8000/8443 in the pod (no NET_BIND_SERVICE), 80/443 on the Service.
 * - `global.checkNewVersion=false`, `sendAnonymousUsage=false`: nothing leaves the host.
 */
import type { IngressSettings } from '@berth/api-types';
import { RESTRICTED_CONTAINER, addonMeta, type KubeObject } from './objects.js';
import { INGRESS } from './catalog.js';

export const INGRESS_NAMESPACE = 'berth-ingress';
export const INGRESS_CLASS = 'berth';
/** Traefik's controller name, which its Kubernetes Ingress provider looks for in IngressClasses. */
const TRAEFIK_CONTROLLER = 'traefik.io/ingress-controller';
const NAME = 'traefik';
const SELECTOR = { 'app.kubernetes.io/name': NAME, 'app.kubernetes.io/instance': INGRESS };
const PORTS = { web: 8000, websecure: 8443, ping: 8080 } as const;

export interface IngressInput {
  /** The Traefik image in Berth's registry, e.g. `198.18.0.1:5000/berth/traefik:v3.6.12`. */
  image: string;
  /** Catalog version, e.g. `3.6.12-berth.2` (labelled on every object). */
  version: string;
  settings: IngressSettings;
  /** Sources whose PROXY header Traefik believes: the cluster's subnet (the amphorae's). */
  trustedCidrs: readonly string[];
  /** The version's graceful stop (IngressVersion.drainOnStop): keep serving while drained. */
  drainOnStop: boolean;
}

/**
 * How long a stopping Traefik keeps accepting requests on `web` and `websecure` while its ping
 * answers 503: long enough for the pod to leave the EndpointSlices, kube-proxy's health-check
 * node port to report the node empty and the amphorae's health checks to take it out. Then
 * Traefik's default 10 s lets requests in flight finish; both fit the 30 s grace period.
 */
export const INGRESS_DRAIN_SECONDS = 10;

export function ingressObjects(input: IngressInput): KubeObject[] {
  const meta = addonMeta(INGRESS, input.version, INGRESS_NAMESPACE);
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: meta(INGRESS_NAMESPACE, null) },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(NAME) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: meta('berth:ingress', null),
      rules: ingressRules(),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta('berth:ingress', null),
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'berth:ingress',
      },
      subjects: [{ kind: 'ServiceAccount', name: NAME, namespace: INGRESS_NAMESPACE }],
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: {
        ...meta(INGRESS_CLASS, null),
        annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' },
      },
      spec: { controller: TRAEFIK_CONTROLLER },
    },
    deployment(input, meta(NAME)),
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(NAME),
      spec: { maxUnavailable: 1, selector: { matchLabels: SELECTOR } },
    },
    service(input, meta(NAME)),
  ];
}

function ingressRules() {
  const read = ['get', 'list', 'watch'];
  return [
    { apiGroups: [''], resources: ['services', 'secrets', 'nodes'], verbs: read },
    { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: read },
    { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'ingressclasses'], verbs: read },
    { apiGroups: ['networking.k8s.io'], resources: ['ingresses/status'], verbs: ['update'] },
  ];
}

/**
 * Traefik's static configuration as flags (its CLI form of the documented options). Where the
 * client's address comes from on `web`: the PROXY header (`tls=ingress`) or, behind amphorae that
 * end TLS and speak HTTP (`tls=loadbalancer`), the X-Forwarded-* headers they add — believed
 * only from `trustedCidrs`, so a client cannot claim an address by sending the header itself.
 */
export function traefikArgs(
  trustedCidrs: readonly string[],
  tls: IngressSettings['tls'] = 'ingress',
  drainOnStop = true,
): string[] {
  const trusted = trustedCidrs.join(',');
  const clientAddress = tls === 'loadbalancer' ? 'forwardedHeaders' : 'proxyProtocol';
  const drain = drainOnStop
    ? ['web', 'websecure'].map(
        (entryPoint) =>
          `--entryPoints.${entryPoint}.transport.lifeCycle.requestAcceptGraceTimeout=${INGRESS_DRAIN_SECONDS}s`,
      )
    : [];
  return [
    '--global.checkNewVersion=false',
    '--global.sendAnonymousUsage=false',
    '--log.level=INFO',
    '--log.noColor=true',
    '--accesslog=true',
    `--entryPoints.web.address=:${PORTS.web}/tcp`,
    `--entryPoints.web.${clientAddress}.trustedIPs=${trusted}`,
    `--entryPoints.websecure.address=:${PORTS.websecure}/tcp`,
    `--entryPoints.websecure.proxyProtocol.trustedIPs=${trusted}`,
    '--entryPoints.websecure.http.tls=true',
    ...drain,
    `--entryPoints.traefik.address=:${PORTS.ping}/tcp`,
    '--ping=true',
    // Prometheus metrics on the `traefik` entry point (the ping port, never the Service's):
    // the monitoring addon's PodMonitor scrapes them.
    '--metrics.prometheus=true',
    '--metrics.prometheus.entryPoint=traefik',
    '--providers.kubernetesingress=true',
    `--providers.kubernetesingress.ingressendpoint.publishedservice=${INGRESS_NAMESPACE}/${NAME}`,
  ];
}

function deployment(input: IngressInput, metadata: KubeObject['metadata']): KubeObject {
  const probe = (path: string) => ({
    httpGet: { path, port: PORTS.ping, scheme: 'HTTP' },
    periodSeconds: 2,
    timeoutSeconds: 2,
    failureThreshold: 3,
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: input.settings.replicas,
      selector: { matchLabels: SELECTOR },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: { ...metadata.labels, ...SELECTOR } },
        spec: {
          serviceAccountName: NAME,
          terminationGracePeriodSeconds: 30,
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: {
                    labelSelector: { matchLabels: SELECTOR },
                    topologyKey: 'kubernetes.io/hostname',
                  },
                },
              ],
            },
          },
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 65532,
            runAsGroup: 65532,
          },
          containers: [
            {
              name: NAME,
              image: input.image,
              imagePullPolicy: 'IfNotPresent',
              args: traefikArgs(input.trustedCidrs, input.settings.tls, input.drainOnStop),
              ports: [
                { name: 'web', containerPort: PORTS.web, protocol: 'TCP' },
                { name: 'websecure', containerPort: PORTS.websecure, protocol: 'TCP' },
                { name: 'ping', containerPort: PORTS.ping, protocol: 'TCP' },
              ],
              resources: {
                requests: { cpu: input.settings.cpu, memory: '64Mi' },
                limits: { memory: '256Mi' },
              },
              readinessProbe: probe('/ping'),
              livenessProbe: { ...probe('/ping'), initialDelaySeconds: 10, failureThreshold: 5 },
              securityContext: RESTRICTED_CONTAINER,
            },
          ],
        },
      },
    },
  };
}

/**
 * The ingress Service. `tls=ingress`: both ports TCP with PROXY v2, 443 to Traefik's TLS entry
 * point. `tls=loadbalancer`: 443 ends TLS at the amphorae with `tlsSecret` and 80 is an HTTP
 * listener, both with HTTP pools to Traefik's plain `web` entry point; the amphorae add
 * X-Forwarded-For (and X-Forwarded-Proto on 443).
 */
function service(input: IngressInput, metadata: KubeObject['metadata']): KubeObject {
  const { tls, tlsSecret, internal } = input.settings;
  const atLoadBalancer = tls === 'loadbalancer';
  const scheme: Record<string, string> = atLoadBalancer
    ? {
        'loadbalancer.berth.dev/tls-secret': tlsSecret ?? '',
        'loadbalancer.berth.dev/tls-ports': '443',
        'loadbalancer.berth.dev/http-ports': '80',
      }
    : { 'loadbalancer.berth.dev/proxy-protocol': 'v2' };
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      ...metadata,
      annotations: {
        ...scheme,
        ...(internal ? { 'loadbalancer.berth.dev/internal': 'true' } : {}),
      },
    },
    spec: {
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
      selector: SELECTOR,
      ports: [
        { name: 'web', port: 80, targetPort: 'web', protocol: 'TCP' },
        {
          name: 'websecure',
          port: 443,
          targetPort: atLoadBalancer ? 'web' : 'websecure',
          protocol: 'TCP',
        },
      ],
    },
  };
}
