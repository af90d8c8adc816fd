/**
 * What every addon's objects share: the labels the controller finds them again by (apply,
 * prune, remove) and the kinds it looks through.
 */

/** Every object of an addon carries this label with the addon's name; removal deletes by it. */
export const ADDON_LABEL = 'addons.berth.dev/name';
/** The catalog version the object was applied for. */
export const ADDON_VERSION_LABEL = 'addons.berth.dev/version';
/** Server-side apply's field manager for every addon object. */
export const ADDON_FIELD_MANAGER = 'berth-addons';

/** The container securityContext every addon container runs with (Pod Security "restricted"). */
export const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  readOnlyRootFilesystem: true,
};

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** A kind the controller lists (by ADDON_LABEL) when it removes an addon, in deletion order. */
export interface AddonKind {
  apiVersion: string;
  kind: string;
  namespaced: boolean;
  /**
   * A custom resource an addon brings its own CRD for: a cluster without the CRD simply has none
   * (listing it is not an error).
   */
  custom?: boolean;
}

/**
 * Deletion order: custom resources first, alone (an operator still running cleans up what it made
 * for them; the rest waits until they are gone), then APIServices (the apiserver stops routing to them before their pods go), the Services (their
 * load balancers go while the rest still runs), the workloads, then what they used, the Namespace last.
 */
export const ADDON_KINDS: readonly AddonKind[] = [
  { apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', namespaced: true, custom: true },
  {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    namespaced: true,
    custom: true,
  },
  { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', namespaced: true, custom: true },
  // An aggregated API before its pods: the apiserver stops routing to it first.
  { apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', namespaced: false },
  { apiVersion: 'v1', kind: 'Service', namespaced: true },
  { apiVersion: 'apps/v1', kind: 'Deployment', namespaced: true },
  { apiVersion: 'apps/v1', kind: 'DaemonSet', namespaced: true },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', namespaced: true },
  { apiVersion: 'v1', kind: 'ConfigMap', namespaced: true },
  { apiVersion: 'v1', kind: 'ServiceAccount', namespaced: true },
  { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', namespaced: false },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', namespaced: true },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', namespaced: false },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', namespaced: false },
  { apiVersion: 'v1', kind: 'Namespace', namespaced: false },
];

/**
 * The kinds whose availability makes an addon Installed: its workloads, its APIServices
 * (Available once kube-apiserver reaches the pods behind them) and a `Prometheus` (its operator's
 * StatefulSet, judged through the object's status).
 */
export const WORKLOAD_KINDS: ReadonlySet<string> = new Set([
  'Deployment',
  'DaemonSet',
  'APIService',
  'Prometheus',
]);

/** `app.kubernetes.io/managed-by` of the objects Berth applies (an operator's carry its own). */
export const MANAGED_BY_BERTH = 'berth';

export function addonLabels(addon: string, version: string): Record<string, string> {
  return {
    [ADDON_LABEL]: addon,
    [ADDON_VERSION_LABEL]: version,
    'app.kubernetes.io/managed-by': MANAGED_BY_BERTH,
  };
}

/**
 * Makes the metadata of an addon's objects: each labelled for the addon at its version (addonLabels),
 * in the addon's namespace unless given another, cluster-scoped with `null`.
 */
export function addonMeta(addon: string, version: string, namespace: string) {
  const labels = addonLabels(addon, version);
  return (name: string, ns: string | null = namespace): KubeObject['metadata'] => ({
    name,
    ...(ns === null ? {} : { namespace: ns }),
    labels,
  });
}
