/**
 * What the monitoring addon's Prometheus scrapes: a ServiceMonitor per part of the cluster (the
 * API server, the kubelets and their cAdvisor, CoreDNS, node-exporter, kube-state-metrics) and a
 * PodMonitor for the ingress addon's Traefik; each target's `job` is the monitor's name.
 */
import type { KubeObject } from './objects.js';
import { INGRESS_NAMESPACE } from './ingress.js';
import {
  KSM,
  MONITORING_API,
  MONITORING_NAMESPACE,
  NODE_EXPORTER,
  SA_CA,
  SA_TOKEN,
  type Meta,
} from './monitoring-names.js';

/** A ServiceMonitor endpoint that authenticates as Prometheus's ServiceAccount over TLS. */
const authenticated = (extra: Record<string, unknown>) => ({
  scheme: 'https',
  bearerTokenFile: SA_TOKEN,
  ...extra,
});

/** Names each kubelet/node-exporter target by its node, as the `node` label. */
const NODE_RELABEL = [
  {
    sourceLabels: ['__meta_kubernetes_endpoint_node_name'],
    targetLabel: 'node',
    action: 'replace',
  },
];

/** A kubelet's two endpoints (`/metrics`, `/metrics/cadvisor`) kept apart by `metrics_path`. */
const KUBELET_RELABEL = [
  ...NODE_RELABEL,
  { sourceLabels: ['__metrics_path__'], targetLabel: 'metrics_path', action: 'replace' },
];

/** The `job` of a monitor's targets is the monitor's name (`up{job="coredns"}`). */
const jobIs = (job: string) => ({ action: 'replace', targetLabel: 'job', replacement: job });

export function monitors(meta: Meta): KubeObject[] {
  const serviceMonitor = (
    name: string,
    namespace: string,
    matchLabels: Record<string, string>,
    endpoints: Record<string, unknown>[],
  ): KubeObject => ({
    apiVersion: MONITORING_API,
    kind: 'ServiceMonitor',
    metadata: meta(name),
    spec: {
      namespaceSelector: { matchNames: [namespace] },
      selector: { matchLabels },
      endpoints: endpoints.map((e) => ({
        ...e,
        relabelings: [...((e['relabelings'] as unknown[]) ?? []), jobIs(name)],
      })),
    },
  });
  return [
    serviceMonitor('apiserver', 'default', { component: 'apiserver', provider: 'kubernetes' }, [
      authenticated({ port: 'https', tlsConfig: { caFile: SA_CA, serverName: 'kubernetes' } }),
    ]),
    serviceMonitor('kubelet', 'kube-system', { 'app.kubernetes.io/name': 'kubelet' }, [
      authenticated({
        port: 'https-metrics',
        tlsConfig: { insecureSkipVerify: true },
        relabelings: KUBELET_RELABEL,
      }),
      authenticated({
        port: 'https-metrics',
        path: '/metrics/cadvisor',
        tlsConfig: { insecureSkipVerify: true },
        relabelings: KUBELET_RELABEL,
      }),
    ]),
    serviceMonitor('coredns', 'kube-system', { 'k8s-app': 'kube-dns' }, [{ port: 'metrics' }]),
    serviceMonitor(
      'node-exporter',
      MONITORING_NAMESPACE,
      { 'app.kubernetes.io/name': NODE_EXPORTER },
      [{ port: 'metrics', relabelings: NODE_RELABEL }],
    ),
    serviceMonitor(KSM, MONITORING_NAMESPACE, { 'app.kubernetes.io/name': KSM }, [
      { port: 'http-metrics', honorLabels: true },
    ]),
    {
      apiVersion: MONITORING_API,
      kind: 'PodMonitor',
      metadata: meta('traefik'),
      spec: {
        namespaceSelector: { matchNames: [INGRESS_NAMESPACE] },
        selector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } },
        podMetricsEndpoints: [{ port: 'ping', path: '/metrics', relabelings: [jobIs('traefik')] }],
      },
    },
  ];
}
