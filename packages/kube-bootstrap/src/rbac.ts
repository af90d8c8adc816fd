/**
 * The RBAC objects every Berth cluster gets once its API is up, applied with server-side apply
 * (one idempotent call each, Berth as field manager). Kubernetes' bootstrap policy already binds
 * the controller-manager, the scheduler and `system:masters`; nodes are authorised by the Node
 * authorizer. What is left: the apiserver's identity toward kubelets, and the rights kwok needs
 * beyond a kubelet's (the Node authorizer lets a node read only its own objects, by name): it
 * lists nodes once at start to see the API is up, and watches its Lease through an informer
 * (list/watch in `kube-node-lease`, where a kubelet only gets and updates by name). Real
 * kubelets renew their client certificate through a CSR the controller-manager approves when
 * the node may ask for its own (kubeadm's node-autoapprove-certificate-rotation binding).
 */
import { AUTOSCALER_USER, KUBELET_CLIENT_USER, STORAGE_USER } from './cluster-certs.js';
import { PatchStrategy, type KubeClient } from './kube-client.js';

const RBAC = 'rbac.authorization.k8s.io';

export interface ClusterRole {
  apiVersion: string;
  kind: 'ClusterRole';
  metadata: { name: string; labels: Record<string, string> };
  rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
}

export interface Role {
  apiVersion: string;
  kind: 'Role';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
}

export interface RoleBinding {
  apiVersion: string;
  kind: 'RoleBinding';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  roleRef: { apiGroup: string; kind: 'Role'; name: string };
  subjects: { apiGroup: string; kind: 'User' | 'Group'; name: string }[];
}

export interface ClusterRoleBinding {
  apiVersion: string;
  kind: 'ClusterRoleBinding';
  metadata: { name: string; labels: Record<string, string> };
  roleRef: { apiGroup: string; kind: 'ClusterRole'; name: string };
  subjects: { apiGroup: string; kind: 'User' | 'Group'; name: string }[];
}

const LABELS = { 'app.kubernetes.io/managed-by': 'berth' };
export const SIMULATED_KUBELET_ROLE = 'berth:simulated-kubelet';
export const AUTOSCALER_ROLE = 'berth:cluster-autoscaler';
export const STORAGE_ROLE = 'berth:storage-controller';

export type RbacObject = ClusterRole | ClusterRoleBinding | Role | RoleBinding;
const NODE_LEASES = 'kube-node-lease';

export function bootstrapRbac(): RbacObject[] {
  return [
    {
      apiVersion: `${RBAC}/v1`,
      kind: 'ClusterRole',
      metadata: { name: SIMULATED_KUBELET_ROLE, labels: LABELS },
      rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['list'] }],
    },
    binding(SIMULATED_KUBELET_ROLE, SIMULATED_KUBELET_ROLE, {
      kind: 'Group',
      name: 'system:nodes',
    }),
    {
      apiVersion: `${RBAC}/v1`,
      kind: 'Role',
      metadata: { name: SIMULATED_KUBELET_ROLE, namespace: NODE_LEASES, labels: LABELS },
      rules: [
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['list', 'watch'] },
      ],
    },
    {
      apiVersion: `${RBAC}/v1`,
      kind: 'RoleBinding',
      metadata: { name: SIMULATED_KUBELET_ROLE, namespace: NODE_LEASES, labels: LABELS },
      roleRef: { apiGroup: RBAC, kind: 'Role', name: SIMULATED_KUBELET_ROLE },
      subjects: [{ apiGroup: RBAC, kind: 'Group', name: 'system:nodes' }],
    },
    binding('berth:kube-apiserver-kubelet-client', 'system:kubelet-api-admin', {
      kind: 'User',
      name: KUBELET_CLIENT_USER,
    }),
    // The cluster autoscaler simulates scheduling, so it reads what the scheduler reads; it
    // writes only what it acts through: node taints and deletions, evictions, its events and
    // its status ConfigMap.
    {
      apiVersion: `${RBAC}/v1`,
      kind: 'ClusterRole',
      metadata: { name: AUTOSCALER_ROLE, labels: LABELS },
      rules: [
        { apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['nodes'], verbs: ['update', 'patch', 'delete'] },
        { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
        { apiGroups: [''], resources: ['pods/status'], verbs: ['update', 'patch'] },
        { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
      ],
    },
    binding(AUTOSCALER_ROLE, AUTOSCALER_ROLE, { kind: 'User', name: AUTOSCALER_USER }),
    {
      apiVersion: `${RBAC}/v1`,
      kind: 'Role',
      metadata: { name: AUTOSCALER_ROLE, namespace: 'kube-system', labels: LABELS },
      rules: [
        {
          apiGroups: [''],
          resources: ['configmaps'],
          verbs: ['create', 'update', 'patch', 'delete'],
        },
      ],
    },
    {
      apiVersion: `${RBAC}/v1`,
      kind: 'RoleBinding',
      metadata: { name: AUTOSCALER_ROLE, namespace: 'kube-system', labels: LABELS },
      roleRef: { apiGroup: RBAC, kind: 'Role', name: AUTOSCALER_ROLE },
      subjects: [{ apiGroup: RBAC, kind: 'User', name: AUTOSCALER_USER }],
    },
    // Berth's storage controller: what upstream's external provisioner, attacher and resizer
    // are granted, plus tainting a dead node out-of-service.
    {
      apiVersion: `${RBAC}/v1`,
      kind: 'ClusterRole',
      metadata: { name: STORAGE_ROLE, labels: LABELS },
      rules: [
        {
          apiGroups: ['storage.k8s.io'],
          resources: ['storageclasses', 'csinodes'],
          verbs: ['get', 'list', 'watch'],
        },
        {
          apiGroups: [''],
          resources: ['persistentvolumes'],
          verbs: ['get', 'list', 'watch', 'create', 'delete', 'patch', 'update'],
        },
        { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get', 'list', 'watch'] },
        {
          apiGroups: [''],
          resources: ['persistentvolumeclaims/status'],
          verbs: ['patch', 'update'],
        },
        {
          apiGroups: ['storage.k8s.io'],
          resources: ['volumeattachments'],
          verbs: ['get', 'list', 'watch', 'patch', 'update'],
        },
        {
          apiGroups: ['storage.k8s.io'],
          resources: ['volumeattachments/status'],
          verbs: ['patch', 'update'],
        },
        { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch', 'patch'] },
        { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
      ],
    },
    binding(STORAGE_ROLE, STORAGE_ROLE, { kind: 'User', name: STORAGE_USER }),
    binding(
      'berth:node-client-certificate-renewal',
      'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient',
      { kind: 'Group', name: 'system:nodes' },
    ),
  ];
}

function binding(
  name: string,
  role: string,
  subject: { kind: 'User' | 'Group'; name: string },
): ClusterRoleBinding {
  return {
    apiVersion: `${RBAC}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: LABELS },
    roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: role },
    subjects: [{ apiGroup: RBAC, ...subject }],
  };
}

/** Applies every object with server-side apply (field manager `berth`); repeating it changes nothing. */
export async function applyBootstrapRbac(api: KubeClient, signal?: AbortSignal): Promise<void> {
  await applyObjects(api, bootstrapRbac(), signal);
}

/** Server-side apply of each object in order, Berth as field manager (forcing its fields). */
export async function applyObjects(
  api: KubeClient,
  objects: readonly { kind: string; metadata: { name: string } }[],
  signal?: AbortSignal,
): Promise<void> {
  for (const object of objects) {
    await api.call(
      `apply ${object.kind} ${object.metadata.name}`,
      (k) =>
        k.objects.patch(object, undefined, undefined, 'berth', true, PatchStrategy.ServerSideApply),
      signal ? { signal } : {},
    );
  }
}
