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
}

/**
 * Deletion order: the Services first (their load balancers go while the rest still runs), the
 * workloads, then what they used, the Namespace last.
 */
export const ADDON_KINDS: readonly AddonKind[] = [
  { apiVersion: 'v1', kind: 'Service', namespaced: true },
  { apiVersion: 'apps/v1', kind: 'Deployment', namespaced: true },
  { apiVersion: 'apps/v1', kind: 'DaemonSet', namespaced: true },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', namespaced: true },
  { apiVersion: 'v1', kind: 'ConfigMap', namespaced: true },
  { apiVersion: 'v1', kind: 'ServiceAccount', namespaced: true },
  { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', namespaced: false },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', namespaced: false },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', namespaced: false },
  { apiVersion: 'v1', kind: 'Namespace', namespaced: false },
];

/** The workload kinds whose availability makes an addon Installed. */
export const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Deployment', 'DaemonSet']);

export function addonLabels(addon: string, version: string): Record<string, string> {
  return {
    [ADDON_LABEL]: addon,
    [ADDON_VERSION_LABEL]: version,
    'app.kubernetes.io/managed-by': 'berth',
  };
}
