/** The monitoring addon's ServiceAccounts and what each may read or write (ClusterRoles). */
import type { KubeObject } from './objects.js';
import { MONITORING_NAMESPACE, type Meta } from './monitoring-names.js';

type Rule = {
  apiGroups?: string[];
  resources?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
};

/** A ServiceAccount in the namespace and a ClusterRole(Binding) `berth:monitoring:<name>`. */
export function serviceAccountWithRole(meta: Meta, name: string, rules: Rule[]): KubeObject[] {
  const role = `berth:monitoring:${name}`;
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(name) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: meta(role, null),
      rules,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta(role, null),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ kind: 'ServiceAccount', name, namespace: MONITORING_NAMESPACE }],
    },
  ];
}

const READ = ['get', 'list', 'watch'];

/** As upstream's example/rbac/prometheus-operator ClusterRole, less Alertmanager/Thanos. */
export function operatorRules(): Rule[] {
  return [
    { apiGroups: ['monitoring.coreos.com'], resources: ['*'], verbs: ['*'] },
    { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['*'] },
    { apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: ['*'] },
    { apiGroups: [''], resources: ['pods'], verbs: ['list', 'delete'] },
    {
      apiGroups: [''],
      resources: ['services', 'services/finalizers', 'endpoints'],
      verbs: ['get', 'create', 'update', 'delete'],
    },
    { apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch'] },
    { apiGroups: [''], resources: ['namespaces'], verbs: READ },
    { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
    { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: READ },
    { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get'] },
    {
      apiGroups: ['discovery.k8s.io'],
      resources: ['endpointslices'],
      verbs: ['get', 'create', 'list', 'update', 'delete'],
    },
  ];
}

export function prometheusRules(): Rule[] {
  return [
    {
      apiGroups: [''],
      resources: ['nodes', 'nodes/metrics', 'services', 'endpoints', 'pods'],
      verbs: READ,
    },
    { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ },
    { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
    { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: READ },
    { nonResourceURLs: ['/metrics', '/metrics/cadvisor'], verbs: ['get'] },
  ];
}

/** kube-state-metrics reads only the kinds KSM_RESOURCES names. */
export const KSM_RESOURCES = [
  'cronjobs',
  'daemonsets',
  'deployments',
  'jobs',
  'namespaces',
  'nodes',
  'persistentvolumeclaims',
  'persistentvolumes',
  'pods',
  'replicasets',
  'services',
  'statefulsets',
];

export function kubeStateMetricsRules(): Rule[] {
  return [
    {
      apiGroups: [''],
      resources: [
        'namespaces',
        'nodes',
        'persistentvolumeclaims',
        'persistentvolumes',
        'pods',
        'services',
      ],
      verbs: ['list', 'watch'],
    },
    {
      apiGroups: ['apps'],
      resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'],
      verbs: ['list', 'watch'],
    },
    { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: ['list', 'watch'] },
  ];
}
