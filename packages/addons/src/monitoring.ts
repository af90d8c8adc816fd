/**
 * The monitoring addon: the Prometheus Operator in `berth-monitoring`, one `Prometheus` it runs
 * (replicas 1 by default, emptyDir storage, short retention), kube-state-metrics, node-exporter
 * on every node, and the ServiceMonitors/PodMonitor that point Prometheus at the cluster's parts:
 * the API server, the kubelets (and their cAdvisor), CoreDNS, node-exporter, kube-state-metrics
 * and the ingress addon's Traefik.
 *
 * Contract (docs/addons.md#monitoring): the Service `prometheus` in `berth-monitoring`, port
 * `web` (9090), serves Prometheus's HTTP API; Berth's query API reaches it through the
 * kube-apiserver's service proxy
 * (`/api/v1/namespaces/berth-monitoring/services/prometheus:web/proxy/api/v1/query`).
 *
 * Why these choices:
 * - Selectors `{}` for ServiceMonitors, PodMonitors and their namespaces: a user's own
 *   ServiceMonitor in any namespace is scraped without labelling it for Berth.
 * - `--kubelet-service=kube-system/kubelet`: the operator keeps a Service (and Endpoints) of every
 *   node's kubelet, which a ServiceMonitor can then select; kubelets have no Service otherwise.
 * - The Prometheus Operator CRDs come from the pinned Go module at run time (RenderContext.crds),
 *   never copied into this repository; they carry no addon label, so removing the addon keeps
 *   them (and users' ServiceMonitors with them), as Helm does with CRDs.
 * - Traefik is scraped through a PodMonitor on its `ping` port (`/metrics` on Traefik's own
 *   entry point): its Service is a LoadBalancer, which must not publish metrics.
 */
import type { MonitoringSettings } from '@berth/api-types';
import {
  ADDON_LABEL,
  ADDON_VERSION_LABEL,
  RESTRICTED_CONTAINER,
  addonMeta,
  type KubeObject,
} from './objects.js';
import { MONITORING } from './catalog.js';
import {
  KSM,
  MONITORING_API,
  MONITORING_NAMESPACE,
  NODE_EXPORTER,
  OPERATOR,
  PROMETHEUS_NAME,
  PROMETHEUS_SERVICE,
} from './monitoring-names.js';
import {
  KSM_RESOURCES,
  kubeStateMetricsRules,
  operatorRules,
  prometheusRules,
  serviceAccountWithRole,
} from './monitoring-rbac.js';
import { monitors } from './monitoring-targets.js';

export { MONITORING_NAMESPACE, PROMETHEUS_NAME, PROMETHEUS_SERVICE } from './monitoring-names.js';

/** The CRDs the addon's own objects need: rendering waits for them (RenderContext.crds). */
export const MONITORING_CRDS = [
  'prometheuses.monitoring.coreos.com',
  'servicemonitors.monitoring.coreos.com',
  'podmonitors.monitoring.coreos.com',
] as const;

export interface MonitoringImages {
  operator: string;
  configReloader: string;
  prometheus: string;
  kubeStateMetrics: string;
  nodeExporter: string;
}

export interface MonitoringInput {
  images: MonitoringImages;
  /** Prometheus's version as the operator should treat it, e.g. `v3.16.0`. */
  prometheusVersion: string;
  /** Catalog version, e.g. `0.85` (labelled on every object). */
  version: string;
  settings: MonitoringSettings;
  /** The operator's CustomResourceDefinitions (from its module); applied first. */
  crds: readonly KubeObject[];
}

export function monitoringObjects(input: MonitoringInput): KubeObject[] {
  const meta = addonMeta(MONITORING, input.version, MONITORING_NAMESPACE);
  return [
    ...input.crds.map((crd) => crdObject(crd, input.version)),
    { apiVersion: 'v1', kind: 'Namespace', metadata: meta(MONITORING_NAMESPACE, null) },
    ...serviceAccountWithRole(meta, OPERATOR, operatorRules()),
    operatorDeployment(input, meta(OPERATOR)),
    ...serviceAccountWithRole(meta, 'prometheus', prometheusRules()),
    prometheus(input, meta(PROMETHEUS_NAME)),
    prometheusService(meta(PROMETHEUS_SERVICE.name)),
    ...serviceAccountWithRole(meta, KSM, kubeStateMetricsRules()),
    kubeStateMetricsDeployment(input, meta(KSM)),
    metricsService(meta(KSM), { 'app.kubernetes.io/name': KSM }, 'http-metrics', 8080),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(NODE_EXPORTER) },
    nodeExporterDaemonSet(input, meta(NODE_EXPORTER)),
    metricsService(
      meta(NODE_EXPORTER),
      { 'app.kubernetes.io/name': NODE_EXPORTER },
      'metrics',
      9100,
    ),
    ...monitors(meta),
  ];
}

/** An upstream CRD as applied: its own labels plus Berth's, never the addon label (see above). */
function crdObject(crd: KubeObject, version: string): KubeObject {
  return {
    ...crd,
    metadata: {
      ...crd.metadata,
      labels: {
        ...crd.metadata.labels,
        'addons.berth.dev/crds-of': MONITORING,
        'addons.berth.dev/version': version,
        'app.kubernetes.io/managed-by': 'berth',
      },
    },
  };
}

const NON_ROOT = { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534 };

function operatorDeployment(input: MonitoringInput, metadata: KubeObject['metadata']): KubeObject {
  const selector = { 'app.kubernetes.io/name': OPERATOR };
  return deployment(metadata, selector, OPERATOR, {
    name: OPERATOR,
    image: input.images.operator,
    imagePullPolicy: 'IfNotPresent',
    args: [
      '--kubelet-service=kube-system/kubelet',
      `--prometheus-config-reloader=${input.images.configReloader}`,
      '--web.listen-address=:8080',
      // What the operator makes (StatefulSet, Services incl. kube-system/kubelet, ConfigMaps)
      // carries the addon's name, so removal finds it; its managed-by stays the operator's.
      `--labels=${ADDON_LABEL}=${MONITORING},${ADDON_VERSION_LABEL}=${input.version}`,
      '--log-level=info',
    ],
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
    securityContext: RESTRICTED_CONTAINER,
  });
}

function kubeStateMetricsDeployment(
  input: MonitoringInput,
  metadata: KubeObject['metadata'],
): KubeObject {
  const selector = { 'app.kubernetes.io/name': KSM };
  return deployment(metadata, selector, KSM, {
    name: KSM,
    image: input.images.kubeStateMetrics,
    imagePullPolicy: 'IfNotPresent',
    args: ['--port=8080', '--telemetry-port=8081', `--resources=${KSM_RESOURCES.join(',')}`],
    ports: [
      { name: 'http-metrics', containerPort: 8080, protocol: 'TCP' },
      { name: 'telemetry', containerPort: 8081, protocol: 'TCP' },
    ],
    resources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    readinessProbe: { httpGet: { path: '/readyz', port: 'telemetry' }, periodSeconds: 5 },
    livenessProbe: { httpGet: { path: '/livez', port: 'http-metrics' }, periodSeconds: 10 },
    securityContext: RESTRICTED_CONTAINER,
  });
}

function deployment(
  metadata: KubeObject['metadata'],
  selector: Record<string, string>,
  serviceAccountName: string,
  container: Record<string, unknown>,
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: { ...metadata.labels, ...selector } },
        spec: {
          serviceAccountName,
          securityContext: NON_ROOT,
          containers: [container],
        },
      },
    },
  };
}

/** node-exporter on every node (masters too, if they run a kubelet), on the host's network. */
function nodeExporterDaemonSet(
  input: MonitoringInput,
  metadata: KubeObject['metadata'],
): KubeObject {
  const selector = { 'app.kubernetes.io/name': NODE_EXPORTER };
  const host = (name: string, path: string, mountPath: string) => ({
    volume: { name, hostPath: { path } },
    // No mountPropagation: a node's root need not be a shared mount (Berth's real nodes keep a
    // private mount namespace, where HostToContainer is refused), and a read-only view suffices.
    mount: { name, mountPath, readOnly: true },
  });
  const mounts = [
    host('proc', '/proc', '/host/proc'),
    host('sys', '/sys', '/host/sys'),
    host('root', '/', '/host/root'),
  ];
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata,
    spec: {
      selector: { matchLabels: selector },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels: { ...metadata.labels, ...selector } },
        spec: {
          serviceAccountName: NODE_EXPORTER,
          hostNetwork: true,
          securityContext: NON_ROOT,
          tolerations: [{ operator: 'Exists' }],
          containers: [
            {
              name: NODE_EXPORTER,
              image: input.images.nodeExporter,
              imagePullPolicy: 'IfNotPresent',
              args: [
                '--path.procfs=/host/proc',
                '--path.sysfs=/host/sys',
                '--path.rootfs=/host/root',
                '--web.listen-address=:9100',
                '--no-collector.wifi',
                '--no-collector.hwmon',
              ],
              ports: [{ name: 'metrics', containerPort: 9100, protocol: 'TCP' }],
              resources: { requests: { cpu: '20m', memory: '32Mi' }, limits: { memory: '128Mi' } },
              readinessProbe: { httpGet: { path: '/', port: 9100 }, periodSeconds: 5 },
              securityContext: RESTRICTED_CONTAINER,
              volumeMounts: mounts.map((m) => m.mount),
            },
          ],
          volumes: mounts.map((m) => m.volume),
        },
      },
    },
  };
}

/** The Prometheus the operator runs: every ServiceMonitor and PodMonitor of the cluster. */
function prometheus(input: MonitoringInput, metadata: KubeObject['metadata']): KubeObject {
  return {
    apiVersion: MONITORING_API,
    kind: 'Prometheus',
    metadata,
    spec: {
      image: input.images.prometheus,
      version: input.prometheusVersion,
      replicas: input.settings.replicas,
      retention: input.settings.retention,
      serviceAccountName: 'prometheus',
      scrapeInterval: '30s',
      evaluationInterval: '30s',
      serviceMonitorSelector: {},
      serviceMonitorNamespaceSelector: {},
      podMonitorSelector: {},
      podMonitorNamespaceSelector: {},
      probeSelector: {},
      probeNamespaceSelector: {},
      ruleSelector: {},
      ruleNamespaceSelector: {},
      podMetadata: { labels: metadata.labels },
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
      securityContext: { ...NON_ROOT, fsGroup: 65534 },
    },
  };
}

function prometheusService(metadata: KubeObject['metadata']): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: {
      selector: {
        'app.kubernetes.io/name': 'prometheus',
        'operator.prometheus.io/name': PROMETHEUS_NAME,
      },
      ports: [
        {
          name: PROMETHEUS_SERVICE.portName,
          port: PROMETHEUS_SERVICE.port,
          targetPort: 'web',
          protocol: 'TCP',
        },
      ],
    },
  };
}

function metricsService(
  metadata: KubeObject['metadata'],
  selector: Record<string, string>,
  portName: string,
  port: number,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { ...metadata, labels: { ...metadata.labels, ...selector } },
    spec: {
      clusterIP: 'None',
      selector,
      ports: [{ name: portName, port, targetPort: portName, protocol: 'TCP' }],
    },
  };
}
