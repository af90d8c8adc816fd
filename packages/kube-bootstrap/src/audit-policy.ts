/**
 * kube-apiserver's audit policy (audit.k8s.io/v1) and log flags, as pure functions (golden
 * tested). Who did what is recorded at Metadata level (user, groups, verb, object, response
 * code); changes to RBAC with their request and response bodies; secrets, config maps and tokens
 * only at Metadata (never their content). Left out: health and discovery endpoints, leases
 * (leader election and node heartbeats every few seconds), events, and the reads of the
 * control-plane components, kube-proxy and nodes — high volume, no one's decision.
 */

export const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: None
  nonResourceURLs: ["/healthz*", "/readyz*", "/livez*", "/version", "/openapi*", "/api", "/api/*", "/apis", "/apis/*", "/metrics"]
- level: None
  resources: [{group: coordination.k8s.io, resources: [leases]}]
- level: None
  resources: [{group: "", resources: [events]}, {group: events.k8s.io, resources: [events]}]
- level: None
  users: [system:kube-proxy, system:kube-scheduler, system:kube-controller-manager, system:apiserver]
  verbs: [get, list, watch]
- level: None
  userGroups: [system:nodes]
  verbs: [get, list, watch]
- level: Metadata
  resources:
  - {group: "", resources: [secrets, configmaps, serviceaccounts/token]}
  - {group: authentication.k8s.io, resources: [tokenreviews]}
- level: RequestResponse
  verbs: [create, update, patch, delete, deletecollection]
  resources: [{group: rbac.authorization.k8s.io}]
- level: Metadata
`;

export interface AuditLogFlagsInput {
  policyFile: string;
  /** Where the JSON lines go (rotated by the apiserver). */
  logFile: string;
  /** A kubeconfig naming the audit webhook (Berth), batched: events arrive within 5 s. */
  webhookConfigFile?: string;
}

/** Rotated at 50 MB, 4 old files kept for at most 7 days: ≤ 250 MB per master. */
export function auditLogArgs(input: AuditLogFlagsInput): string[] {
  return [
    `--audit-policy-file=${input.policyFile}`,
    `--audit-log-path=${input.logFile}`,
    '--audit-log-format=json',
    '--audit-log-maxsize=50',
    '--audit-log-maxbackup=4',
    '--audit-log-maxage=7',
    ...(input.webhookConfigFile
      ? [
          `--audit-webhook-config-file=${input.webhookConfigFile}`,
          '--audit-webhook-mode=batch',
          '--audit-webhook-batch-max-wait=5s',
        ]
      : []),
  ];
}
