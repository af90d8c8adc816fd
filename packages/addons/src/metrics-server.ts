/**
 * The metrics-server addon: the resource metrics API (`metrics.k8s.io/v1beta1`) that
 * `kubectl top` and the HorizontalPodAutoscaler read, served by metrics-server in
 * `berth-metrics` behind the aggregation layer.
 *
 * Why these choices:
 * - **One replica**, rolling updates with `maxUnavailable: 0`: metrics-server keeps no state (it
 *   scrapes every kubelet each `--metric-resolution`), so a second replica only doubles the
 *   scraping; an upgrade starts the new pod before the old one goes, and a drain leaves the API
 *   away for one pod start (the HPA keeps its last scale meanwhile). No PodDisruptionBudget:
 *   with one replica it would block drains.
 * - **Kubelets' serving certificates verified** with the cluster CA
 *   (`--kubelet-certificate-authority` = the service account's `ca.crt`): kubelets get theirs
 *   from that CA through CSRs Berth approves; no `--kubelet-insecure-tls`.
 * - `--kubelet-preferred-address-types=InternalIP`: nodes' names resolve nowhere; their
 *   InternalIP is in the serving certificate.
 * - The APIService trusts metrics-server's self-signed serving certificate
 *   (`insecureSkipTLSVerify`, as upstream's manifest): the hop is kube-apiserver → pod IP over
 *   the cluster network, and the apiserver authenticates itself with its front-proxy client
 *   certificate, which metrics-server checks (the extension-apiserver-authentication-reader
 *   binding lets it read that CA).
 * - kube-apiserver runs with `--enable-aggregator-routing=true` (component-flags.ts): masters
 *   run no kube-proxy, so it dials the pod's IP, which the cluster router routes to the node.
 */
import { RESTRICTED_CONTAINER, addonLabels, addonMeta, type KubeObject } from './objects.js';
import { METRICS_SERVER } from './catalog.js';

export const METRICS_NAMESPACE = 'berth-metrics';
const NAME = 'metrics-server';
const SELECTOR = { 'app.kubernetes.io/name': NAME, 'app.kubernetes.io/instance': METRICS_SERVER };
const PORT = 10250;
const ROLE = 'berth:metrics-server';
const SA_CA = '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt';

export interface MetricsServerInput {
  /** The image in Berth's registry, e.g. `198.18.0.1:5000/berth/metrics-server:v0.8.0`. */
  image: string;
  /** Catalog version, e.g. `0.8.0` (labelled on every object). */
  version: string;
}

export function metricsServerObjects(input: MetricsServerInput): KubeObject[] {
  const labels = addonLabels(METRICS_SERVER, input.version);
  const meta = addonMeta(METRICS_SERVER, input.version, METRICS_NAMESPACE);
  const subjects = [{ kind: 'ServiceAccount', name: NAME, namespace: METRICS_NAMESPACE }];
  const clusterRoleRef = (name: string) => ({
    apiGroup: 'rbac.authorization.k8s.io',
    kind: 'ClusterRole',
    name,
  });
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: meta(METRICS_NAMESPACE, null) },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(NAME) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: {
        ...meta(`${ROLE}:aggregated-reader`, null),
        // Users who may view, edit or administer a namespace may read its pods' metrics.
        labels: {
          ...labels,
          'rbac.authorization.k8s.io/aggregate-to-admin': 'true',
          'rbac.authorization.k8s.io/aggregate-to-edit': 'true',
          'rbac.authorization.k8s.io/aggregate-to-view': 'true',
        },
      },
      rules: [
        {
          apiGroups: ['metrics.k8s.io'],
          resources: ['pods', 'nodes'],
          verbs: ['get', 'list', 'watch'],
        },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: meta(ROLE, null),
      rules: [
        { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
        { apiGroups: [''], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta(ROLE, null),
      roleRef: clusterRoleRef(ROLE),
      subjects,
    },
    {
      // Delegated authentication and authorization: TokenReviews and SubjectAccessReviews.
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta(`${ROLE}:auth-delegator`, null),
      roleRef: clusterRoleRef('system:auth-delegator'),
      subjects,
    },
    {
      // Reads the front-proxy CA and request-header names (configmap extension-apiserver-authentication).
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(`${ROLE}:auth-reader`, 'kube-system'),
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: 'extension-apiserver-authentication-reader',
      },
      subjects,
    },
    deployment(input, meta(NAME)),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(NAME),
      spec: {
        selector: SELECTOR,
        ports: [{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }],
      },
    },
    {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: meta('v1beta1.metrics.k8s.io', null),
      spec: {
        group: 'metrics.k8s.io',
        version: 'v1beta1',
        groupPriorityMinimum: 100,
        versionPriority: 100,
        insecureSkipTLSVerify: true,
        service: { name: NAME, namespace: METRICS_NAMESPACE, port: 443 },
      },
    },
  ];
}

/** metrics-server's flags (upstream's manifest, with the kubelets' certificates verified). */
export function metricsServerArgs(): string[] {
  return [
    '--cert-dir=/tmp',
    `--secure-port=${PORT}`,
    '--kubelet-preferred-address-types=InternalIP',
    '--kubelet-use-node-status-port',
    `--kubelet-certificate-authority=${SA_CA}`,
    '--metric-resolution=15s',
  ];
}

function deployment(input: MetricsServerInput, metadata: KubeObject['metadata']): KubeObject {
  const probe = (path: string) => ({
    httpGet: { path, port: 'https', scheme: 'HTTPS' },
    periodSeconds: 10,
    failureThreshold: 3,
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: 1,
      selector: { matchLabels: SELECTOR },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: { ...metadata.labels, ...SELECTOR } },
        spec: {
          serviceAccountName: NAME,
          priorityClassName: 'system-cluster-critical',
          securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532 },
          containers: [
            {
              name: NAME,
              image: input.image,
              imagePullPolicy: 'IfNotPresent',
              args: metricsServerArgs(),
              ports: [{ name: 'https', containerPort: PORT, protocol: 'TCP' }],
              resources: {
                requests: { cpu: '100m', memory: '200Mi' },
                limits: { memory: '400Mi' },
              },
              readinessProbe: { ...probe('/readyz'), initialDelaySeconds: 5 },
              livenessProbe: probe('/livez'),
              securityContext: {
                ...RESTRICTED_CONTAINER,
                seccompProfile: { type: 'RuntimeDefault' },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}
