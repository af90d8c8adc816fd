/**
 * What Berth's side of the externalgrpc `CloudProvider` service asks of the platform, one
 * method per RPC that needs data. The caller is the cluster whose autoscaler's client
 * certificate made the call (its CN is the cluster's uid): a backend answers only about that
 * cluster's node groups. Group ids are node group names.
 */

/** A node group as the autoscaler sees it. */
export interface AutoscaledGroup {
  id: string;
  min: number;
  max: number;
  debug: string;
}

/** A Kubernetes Node as the autoscaler describes it (`ExternalGrpcNode`). */
export interface NodeRef {
  providerID: string;
  name: string;
  labels: Record<string, string>;
}

/** Why an instance failed; `OutOfResources` makes the autoscaler try another group sooner. */
export type InstanceErrorClass = 'OutOfResources' | 'Other';

export interface InstanceView {
  /** The instance's providerID (`berth://<server id>`). */
  id: string;
  state: 'running' | 'creating' | 'deleting';
  error?: { code: string; message: string; errorClass: InstanceErrorClass };
}

/** Per-group options (`NodeGroupAutoscalingOptions`); durations in seconds. */
export interface GroupOptions {
  scaleDownUtilizationThreshold: number;
  scaleDownGpuUtilizationThreshold: number;
  scaleDownUnneededSeconds: number;
  scaleDownUnreadySeconds: number;
  maxNodeProvisionSeconds: number;
  zeroOrMaxNodeScaling: boolean;
  ignoreDaemonSetsUtilization: boolean;
}

/** The template Node a group's new nodes would look like (for scale-up from zero). */
export interface TemplateNode {
  name: string;
  labels: Record<string, string>;
  providerID: string;
  taints: { key: string; value: string; effect: string }[];
  /** Capacity = allocatable, as Kubernetes quantities (`"2"`, `"4Gi"`, `"110"`). */
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
  kubeletVersion: string;
}

export interface CloudProviderBackend {
  nodeGroups(cluster: string): Promise<AutoscaledGroup[]>;
  /** The group a node belongs to; undefined: not Berth's to scale (a master, another group). */
  nodeGroupForNode(cluster: string, node: NodeRef): Promise<AutoscaledGroup | undefined>;
  targetSize(cluster: string, group: string): Promise<number>;
  increaseSize(cluster: string, group: string, delta: number): Promise<void>;
  /** Removes exactly these nodes (already drained by the autoscaler); lowers the target. */
  deleteNodes(cluster: string, group: string, nodes: NodeRef[]): Promise<void>;
  /** Lowers the target without removing a registered node (only nodes not yet created). */
  decreaseTargetSize(cluster: string, group: string, delta: number): Promise<void>;
  nodes(cluster: string, group: string): Promise<InstanceView[]>;
  templateNode(cluster: string, group: string): Promise<TemplateNode>;
  options(cluster: string, group: string, defaults: GroupOptions): Promise<GroupOptions>;
  /** Start of each autoscaler loop: a good time to drop cached state. */
  refresh(cluster: string): Promise<void>;
}
