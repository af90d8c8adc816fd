/**
 * The externalgrpc `CloudProvider` service on @grpc/grpc-js: each RPC decodes its request,
 * names the calling cluster by its client certificate's CN, asks the backend and encodes the
 * answer. Berth errors become gRPC status codes the autoscaler logs and backs off on.
 */
import * as grpc from '@grpc/grpc-js';
import { BerthError, isBerthError } from '@berth/errors';
import type { CloudProviderBackend, GroupOptions, InstanceView, TemplateNode } from './backend.js';
import { codec, METHODS, SERVICE_NAME, type MethodName } from './wire.js';

/** The label Berth's GPU nodes would carry; Berth offers no GPU flavors yet. */
export const GPU_LABEL = 'berth.dev/gpu';

const NS_PER_S = 1e9;

/** The grpc-js definition of the service: path and codecs per method. */
export function cloudProviderDefinition(): grpc.ServiceDefinition {
  const definition: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const [method, [request, response]] of Object.entries(METHODS)) {
    const req = codec(request);
    const res = codec(response);
    definition[method] = {
      path: `/${SERVICE_NAME}/${method}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: (v: object) => req.encode(v),
      requestDeserialize: (b: Buffer) => req.decode(b),
      responseSerialize: (v: object) => res.encode(v),
      responseDeserialize: (b: Buffer) => res.decode(b),
      originalName: method,
    };
  }
  return definition;
}

type Request = Record<string, unknown>;
type Handler = (cluster: string, request: Request) => Promise<object>;

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const int = (v: unknown): number => (typeof v === 'number' ? v : 0);
const stringMap = (v: unknown): Record<string, string> =>
  v !== null && typeof v === 'object' ? (v as Record<string, string>) : {};

function nodeRef(v: unknown) {
  const node = (v ?? {}) as Record<string, unknown>;
  return {
    providerID: text(node.providerID),
    name: text(node.name),
    labels: stringMap(node.labels),
  };
}

const duration = (seconds: number) => ({ duration: Math.round(seconds * NS_PER_S) });
const seconds = (v: unknown): number =>
  int((v as { duration?: unknown } | undefined)?.duration) / NS_PER_S;

function optionsFromWire(v: unknown): GroupOptions {
  const o = (v ?? {}) as Record<string, unknown>;
  return {
    scaleDownUtilizationThreshold: int(o.scaleDownUtilizationThreshold),
    scaleDownGpuUtilizationThreshold: int(o.scaleDownGpuUtilizationThreshold),
    scaleDownUnneededSeconds: seconds(o.scaleDownUnneededTime),
    scaleDownUnreadySeconds: seconds(o.scaleDownUnreadyTime),
    maxNodeProvisionSeconds: seconds(o.MaxNodeProvisionTime),
    zeroOrMaxNodeScaling: o.zeroOrMaxNodeScaling === true,
    ignoreDaemonSetsUtilization: o.ignoreDaemonSetsUtilization === true,
  };
}

function optionsToWire(o: GroupOptions) {
  return {
    scaleDownUtilizationThreshold: o.scaleDownUtilizationThreshold,
    scaleDownGpuUtilizationThreshold: o.scaleDownGpuUtilizationThreshold,
    scaleDownUnneededTime: duration(o.scaleDownUnneededSeconds),
    scaleDownUnreadyTime: duration(o.scaleDownUnreadySeconds),
    MaxNodeProvisionTime: duration(o.maxNodeProvisionSeconds),
    zeroOrMaxNodeScaling: o.zeroOrMaxNodeScaling,
    ignoreDaemonSetsUtilization: o.ignoreDaemonSetsUtilization,
  };
}

const STATES = {
  running: 'instanceRunning',
  creating: 'instanceCreating',
  deleting: 'instanceDeleting',
} as const;

function instanceToWire(i: InstanceView) {
  return {
    id: i.id,
    status: {
      instanceState: STATES[i.state],
      ...(i.error
        ? {
            errorInfo: {
              errorCode: i.error.code,
              errorMessage: i.error.message,
              instanceErrorClass: i.error.errorClass === 'OutOfResources' ? 1 : 99,
            },
          }
        : {}),
    },
  };
}

/** A template Node as `k8s.io.api.core.v1.Node`. */
export function templateNodeToWire(t: TemplateNode) {
  const quantities = (m: Record<string, string>) =>
    Object.fromEntries(Object.entries(m).map(([k, v]) => [k, { string: v }]));
  return {
    metadata: { name: t.name, labels: t.labels },
    spec: { providerID: t.providerID, taints: t.taints },
    status: {
      capacity: quantities(t.capacity),
      allocatable: quantities(t.allocatable),
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'template' }],
      nodeInfo: {
        kubeletVersion: t.kubeletVersion,
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

function handlers(backend: CloudProviderBackend): Record<MethodName, Handler | undefined> {
  const group = async (cluster: string, id: unknown) => {
    const found = (await backend.nodeGroups(cluster)).find((g) => g.id === id);
    if (found === undefined)
      throw new BerthError(
        'BERTH_ERR_NODE_GROUP_NOT_FOUND',
        `node group "${text(id)}" is not autoscaled`,
      );
    return found;
  };
  const wireGroup = (g: { id: string; min: number; max: number; debug: string }) => ({
    id: g.id,
    minSize: g.min,
    maxSize: g.max,
    debug: g.debug,
  });
  return {
    NodeGroups: async (c) => ({ nodeGroups: (await backend.nodeGroups(c)).map(wireGroup) }),
    NodeGroupForNode: async (c, r) => {
      const found = await backend.nodeGroupForNode(c, nodeRef(r.node));
      // An empty id means "not autoscaled" to the client.
      return { nodeGroup: found === undefined ? { id: '' } : wireGroup(found) };
    },
    PricingNodePrice: undefined,
    PricingPodPrice: undefined,
    GPULabel: async () => ({ label: GPU_LABEL }),
    GetAvailableGPUTypes: async () => ({}),
    Cleanup: async () => ({}),
    Refresh: async (c) => {
      await backend.refresh(c);
      return {};
    },
    NodeGroupTargetSize: async (c, r) => {
      await group(c, r.id);
      return { targetSize: await backend.targetSize(c, text(r.id)) };
    },
    NodeGroupIncreaseSize: async (c, r) => {
      await group(c, r.id);
      await backend.increaseSize(c, text(r.id), int(r.delta));
      return {};
    },
    NodeGroupDeleteNodes: async (c, r) => {
      await group(c, r.id);
      const nodes = Array.isArray(r.nodes) ? r.nodes.map(nodeRef) : [];
      await backend.deleteNodes(c, text(r.id), nodes);
      return {};
    },
    NodeGroupDecreaseTargetSize: async (c, r) => {
      await group(c, r.id);
      await backend.decreaseTargetSize(c, text(r.id), int(r.delta));
      return {};
    },
    NodeGroupNodes: async (c, r) => {
      await group(c, r.id);
      return { instances: (await backend.nodes(c, text(r.id))).map(instanceToWire) };
    },
    NodeGroupTemplateNodeInfo: async (c, r) => {
      await group(c, r.id);
      return { nodeInfo: templateNodeToWire(await backend.templateNode(c, text(r.id))) };
    },
    NodeGroupGetOptions: async (c, r) => {
      await group(c, r.id);
      const options = await backend.options(c, text(r.id), optionsFromWire(r.defaults));
      return { nodeGroupAutoscalingOptions: optionsToWire(options) };
    },
  };
}

/** A Berth error as the gRPC status the autoscaler sees. */
export function grpcStatusOf(err: unknown): { code: grpc.status; details: string } {
  const details = err instanceof Error ? err.message : String(err);
  if (!isBerthError(err)) return { code: grpc.status.INTERNAL, details };
  switch (err.code) {
    case 'BERTH_ERR_NODE_GROUP_NOT_FOUND':
    case 'BERTH_ERR_CLUSTER_NOT_FOUND':
    case 'BERTH_ERR_NOT_FOUND':
      return { code: grpc.status.NOT_FOUND, details };
    case 'BERTH_ERR_VALIDATION':
    case 'BERTH_ERR_BAD_REQUEST':
      return { code: grpc.status.INVALID_ARGUMENT, details };
    case 'BERTH_ERR_INVALID_STATE':
    case 'BERTH_ERR_CONFLICT':
    case 'BERTH_ERR_STALE_RESOURCE_VERSION':
      return { code: grpc.status.FAILED_PRECONDITION, details };
    case 'BERTH_ERR_QUOTA_EXCEEDED':
    case 'BERTH_ERR_PROVIDER_QUOTA':
      return { code: grpc.status.RESOURCE_EXHAUSTED, details };
    case 'BERTH_ERR_FORBIDDEN':
    case 'BERTH_ERR_UNAUTHENTICATED':
      return { code: grpc.status.PERMISSION_DENIED, details };
    case 'BERTH_ERR_UNAVAILABLE':
    case 'BERTH_ERR_TIMEOUT':
      return { code: grpc.status.UNAVAILABLE, details };
    default:
      return { code: grpc.status.INTERNAL, details };
  }
}

export interface ServiceLogger {
  info(o: object, msg: string): void;
  warn(o: object, msg: string): void;
}

/**
 * The service's implementation for grpc-js. `callerOf` names the cluster of a call from its
 * peer certificate, or undefined (refused: PERMISSION_DENIED).
 */
export function cloudProviderImplementation(
  backend: CloudProviderBackend,
  callerOf: (call: grpc.ServerUnaryCall<Request, object>) => string | undefined,
  logger?: ServiceLogger,
): grpc.UntypedServiceImplementation {
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const [method, handler] of Object.entries(handlers(backend))) {
    implementation[method] = (
      call: grpc.ServerUnaryCall<Request, object>,
      callback: grpc.sendUnaryData<object>,
    ) => {
      if (handler === undefined) {
        callback({ code: grpc.status.UNIMPLEMENTED, details: `${method} is not offered by Berth` });
        return;
      }
      const cluster = callerOf(call);
      if (cluster === undefined) {
        callback({ code: grpc.status.PERMISSION_DENIED, details: 'no cluster client certificate' });
        return;
      }
      handler(cluster, call.request).then(
        (response) => callback(null, response),
        (err: unknown) => {
          const status = grpcStatusOf(err);
          logger?.warn({ cluster, method, err: status.details }, 'autoscaler call failed');
          callback(status);
        },
      );
    };
  }
  return implementation;
}
