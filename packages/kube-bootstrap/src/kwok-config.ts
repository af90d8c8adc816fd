/**
 * The simulated kubelet: kwok (v0.8) managing exactly one node, with the stages that move its
 * Node and Pods through their lives. kwok ships no stages of its own (kwokctl normally writes
 * them), so Berth renders its own: a node becomes Ready with the kubelet version of the cluster
 * and stays so by heartbeat plus a node Lease; pods become Running with an IP from the node's
 * podCIDR, Job pods complete, deleted pods go.
 */
import { stringify } from 'yaml';

export interface KwokFlagsInput {
  kubeconfig: string;
  config: string;
  nodeName: string;
  /** The node Lease's duration; the node-lifecycle controller declares it lost after its grace. */
  leaseDurationSeconds: number;
  /** Pod IPs when the node has no podCIDR yet (kwok otherwise takes them from the node's slice). */
  fallbackPodCidr: string;
}

export function kwokArgs(input: KwokFlagsInput): string[] {
  return [
    `--kubeconfig=${input.kubeconfig}`,
    `--config=${input.config}`,
    `--manage-single-node=${input.nodeName}`,
    `--node-lease-duration-seconds=${input.leaseDurationSeconds}`,
    `--cidr=${input.fallbackPodCidr}`,
  ];
}

export interface KwokStagesInput {
  /** Reported as the node's kubelet and kube-proxy version, e.g. `v1.34.10`. */
  kubeletVersion: string;
  /** How often the Ready condition's heartbeat is refreshed (the Lease is renewed more often). */
  heartbeatMs: number;
}

const READY = '.status.conditions.[] | select( .type == "Ready" ) | .status';

/** The kwok config file: one YAML document per Stage. */
export function renderKwokConfig(input: KwokStagesInput): string {
  return stages(input)
    .map((s) => stringify(s, { lineWidth: 0 }))
    .join('---\n');
}

function stages(input: KwokStagesInput): object[] {
  const heartbeat = {
    durationMilliseconds: input.heartbeatMs,
    jitterDurationMilliseconds: Math.round(input.heartbeatMs * 1.1),
  };
  const live = absent('.metadata.deletionTimestamp');
  return [
    stage('Node', 'berth-node-ready', [not(READY, 'True')], nodeReadyTemplate(input)),
    stage(
      'Node',
      'berth-node-heartbeat',
      [is('.status.phase', 'Running'), is(READY, 'True')],
      NODE_HEARTBEAT,
      heartbeat,
    ),
    stage(
      'Pod',
      'berth-pod-running',
      [live, is('.status.phase', 'Pending'), not(READY, 'True')],
      POD_RUNNING,
    ),
    stage(
      'Pod',
      'berth-pod-succeeded',
      [live, is('.status.phase', 'Running'), is('.metadata.ownerReferences.[].kind', 'Job')],
      POD_SUCCEEDED,
    ),
    stage('Pod', 'berth-pod-gone', [present('.metadata.deletionTimestamp')]),
  ];
}

/** A Stage; without a status template its next step deletes the object. */
function stage(
  kind: string,
  name: string,
  match: object[],
  statusTemplate?: string,
  delay?: { durationMilliseconds: number; jitterDurationMilliseconds: number },
): object {
  return {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'Stage',
    metadata: { name },
    spec: {
      resourceRef: { apiGroup: 'v1', kind },
      selector: { matchExpressions: match },
      ...(delay === undefined ? {} : { delay }),
      next: statusTemplate === undefined ? { delete: true } : { statusTemplate },
    },
  };
}

const is = (key: string, value: string) => ({ key, operator: 'In', values: [value] });
const not = (key: string, value: string) => ({ key, operator: 'NotIn', values: [value] });
const present = (key: string) => ({ key, operator: 'Exists' });
const absent = (key: string) => ({ key, operator: 'DoesNotExist' });

/** Every condition kwok knows for a healthy node, stamped now: the node just became Ready. */
const NODE_CONDITIONS = conditionsTemplate(true);

/**
 * The heartbeat refreshes lastHeartbeatTime only: conditions merge by type (strategic merge),
 * so lastTransitionTime keeps the moment the node became Ready.
 */
const NODE_HEARTBEAT = conditionsTemplate(false);

function conditionsTemplate(transition: boolean): string {
  return `{{ $now := Now }}
conditions:
{{ range NodeConditions }}
- type: {{ .type | Quote }}
  status: {{ .status | Quote }}
  reason: {{ .reason | Quote }}
  message: {{ .message | Quote }}
  lastHeartbeatTime: {{ $now | Quote }}
${transition ? '  lastTransitionTime: {{ $now | Quote }}\n' : ''}{{ end }}
`;
}

/** Addresses, capacity and labels come from the registration step; kwok adds the rest. */
function nodeReadyTemplate(input: KwokStagesInput): string {
  const version = JSON.stringify(input.kubeletVersion);
  return `${NODE_CONDITIONS}nodeInfo:
  architecture: amd64
  operatingSystem: linux
  osImage: "Berth simulated node"
  kernelVersion: {{ printf "kwok-%s" Version | Quote }}
  containerRuntimeVersion: {{ printf "kwok://%s" Version | Quote }}
  kubeletVersion: ${version}
  kubeProxyVersion: ${version}
  machineID: ""
  systemUUID: ""
  bootID: ""
phase: Running
`;
}

const POD_RUNNING = `{{ $now := Now }}
conditions:
- type: Initialized
  status: "True"
  lastTransitionTime: {{ $now | Quote }}
- type: ContainersReady
  status: "True"
  lastTransitionTime: {{ $now | Quote }}
- type: Ready
  status: "True"
  lastTransitionTime: {{ $now | Quote }}
{{ range .spec.readinessGates }}
- type: {{ .conditionType | Quote }}
  status: "True"
  lastTransitionTime: {{ $now | Quote }}
{{ end }}
containerStatuses:
{{ range .spec.containers }}
- name: {{ .name | Quote }}
  image: {{ .image | Quote }}
  ready: true
  started: true
  restartCount: 0
  state:
    running:
      startedAt: {{ $now | Quote }}
{{ end }}
initContainerStatuses:
{{ range .spec.initContainers }}
- name: {{ .name | Quote }}
  image: {{ .image | Quote }}
  ready: true
  restartCount: 0
  state:
    terminated:
      exitCode: 0
      reason: Completed
      startedAt: {{ $now | Quote }}
      finishedAt: {{ $now | Quote }}
{{ end }}
{{ with NodeIPsWith .spec.nodeName }}
hostIP: {{ index . 0 | Quote }}
hostIPs:
{{ range . }}
- ip: {{ . | Quote }}
{{ end }}
{{ end }}
{{ with PodIPsWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}
podIP: {{ index . 0 | Quote }}
podIPs:
{{ range . }}
- ip: {{ . | Quote }}
{{ end }}
{{ end }}
phase: Running
startTime: {{ $now | Quote }}
`;

const POD_SUCCEEDED = `{{ $now := Now }}
containerStatuses:
{{ range .spec.containers }}
- name: {{ .name | Quote }}
  image: {{ .image | Quote }}
  ready: false
  started: false
  restartCount: 0
  state:
    terminated:
      exitCode: 0
      reason: Completed
      startedAt: {{ $now | Quote }}
      finishedAt: {{ $now | Quote }}
{{ end }}
phase: Succeeded
`;
