/**
 * The wire format of cluster-autoscaler's externalgrpc `CloudProvider` service
 * (`cloudprovider/externalgrpc/protos/externalgrpc.proto` at cluster-autoscaler 1.33), written as
 * a protobufjs reflection schema: the service's messages by field number, and of the Kubernetes
 * protobuf types it imports (`k8s.io.api.core.v1.Node`, meta/v1 `ObjectMeta`, `Time`,
 * `Duration`, resource `Quantity`) the fields Berth fills or reads. Protobuf skips fields it does
 * not know, so the subset decodes and encodes compatibly with the full generated types.
 */
import protobuf from 'protobufjs';

const SERVICE_PACKAGE = 'clusterautoscaler.cloudprovider.v1.externalgrpc';
export const SERVICE_NAME = `${SERVICE_PACKAGE}.CloudProvider`;

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const CORE = 'k8s.io.api.core.v1';
const RESOURCE = 'k8s.io.apimachinery.pkg.api.resource';

type Fields = Record<string, { type: string; id: number; rule?: 'repeated'; keyType?: string }>;
const message = (fields: Fields) => ({ fields });
const str = (id: number) => ({ type: 'string', id });
const repeated = (type: string, id: number) => ({ type, id, rule: 'repeated' as const });
const map = (type: string, id: number) => ({ keyType: 'string', type, id });

const k8sSchema = {
  k8s: {
    nested: {
      io: {
        nested: {
          apimachinery: {
            nested: {
              pkg: {
                nested: {
                  api: {
                    nested: {
                      resource: { nested: { Quantity: message({ string: str(1) }) } },
                    },
                  },
                  apis: {
                    nested: {
                      meta: {
                        nested: {
                          v1: {
                            nested: {
                              Time: message({
                                seconds: { type: 'int64', id: 1 },
                                nanos: { type: 'int32', id: 2 },
                              }),
                              Duration: message({ duration: { type: 'int64', id: 1 } }),
                              ObjectMeta: message({
                                name: str(1),
                                labels: map('string', 11),
                                annotations: map('string', 12),
                              }),
                            },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
          api: {
            nested: {
              core: {
                nested: {
                  v1: {
                    nested: {
                      Taint: message({ key: str(1), value: str(2), effect: str(3) }),
                      NodeSpec: message({
                        providerID: str(3),
                        unschedulable: { type: 'bool', id: 4 },
                        taints: repeated(`${CORE}.Taint`, 5),
                      }),
                      NodeCondition: message({
                        type: str(1),
                        status: str(2),
                        reason: str(5),
                        message: str(6),
                      }),
                      NodeSystemInfo: message({
                        kubeletVersion: str(7),
                        operatingSystem: str(9),
                        architecture: str(10),
                      }),
                      NodeStatus: message({
                        capacity: map(`${RESOURCE}.Quantity`, 1),
                        allocatable: map(`${RESOURCE}.Quantity`, 2),
                        phase: str(3),
                        conditions: repeated(`${CORE}.NodeCondition`, 4),
                        nodeInfo: { type: `${CORE}.NodeSystemInfo`, id: 7 },
                      }),
                      Node: message({
                        metadata: { type: `${META}.ObjectMeta`, id: 1 },
                        spec: { type: `${CORE}.NodeSpec`, id: 2 },
                        status: { type: `${CORE}.NodeStatus`, id: 3 },
                      }),
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

const NG = `${SERVICE_PACKAGE}.NodeGroup`;
const NODE = `${SERVICE_PACKAGE}.ExternalGrpcNode`;
const OPTIONS = `${SERVICE_PACKAGE}.NodeGroupAutoscalingOptions`;
const empty = message({});

const serviceMessages = {
  NodeGroup: message({
    id: str(1),
    minSize: { type: 'int32', id: 2 },
    maxSize: { type: 'int32', id: 3 },
    debug: str(4),
  }),
  ExternalGrpcNode: message({
    providerID: str(1),
    name: str(2),
    labels: map('string', 3),
    annotations: map('string', 4),
  }),
  NodeGroupsRequest: empty,
  NodeGroupsResponse: message({ nodeGroups: repeated(NG, 1) }),
  NodeGroupForNodeRequest: message({ node: { type: NODE, id: 1 } }),
  NodeGroupForNodeResponse: message({ nodeGroup: { type: NG, id: 1 } }),
  PricingNodePriceRequest: message({ node: { type: NODE, id: 1 } }),
  PricingNodePriceResponse: message({ price: { type: 'double', id: 1 } }),
  PricingPodPriceRequest: empty,
  PricingPodPriceResponse: message({ price: { type: 'double', id: 1 } }),
  GPULabelRequest: empty,
  GPULabelResponse: message({ label: str(1) }),
  GetAvailableGPUTypesRequest: empty,
  // map<string, google.protobuf.Any>; Berth offers no GPU types, so the map is always empty.
  GetAvailableGPUTypesResponse: empty,
  CleanupRequest: empty,
  CleanupResponse: empty,
  RefreshRequest: empty,
  RefreshResponse: empty,
  NodeGroupTargetSizeRequest: message({ id: str(1) }),
  NodeGroupTargetSizeResponse: message({ targetSize: { type: 'int32', id: 1 } }),
  NodeGroupIncreaseSizeRequest: message({ delta: { type: 'int32', id: 1 }, id: str(2) }),
  NodeGroupIncreaseSizeResponse: empty,
  NodeGroupDeleteNodesRequest: message({ nodes: repeated(NODE, 1), id: str(2) }),
  NodeGroupDeleteNodesResponse: empty,
  NodeGroupDecreaseTargetSizeRequest: message({ delta: { type: 'int32', id: 1 }, id: str(2) }),
  NodeGroupDecreaseTargetSizeResponse: empty,
  NodeGroupNodesRequest: message({ id: str(1) }),
  NodeGroupNodesResponse: message({ instances: repeated(`${SERVICE_PACKAGE}.Instance`, 1) }),
  Instance: message({ id: str(1), status: { type: `${SERVICE_PACKAGE}.InstanceStatus`, id: 2 } }),
  InstanceStatus: {
    fields: {
      instanceState: { type: 'InstanceState', id: 1 },
      errorInfo: { type: `${SERVICE_PACKAGE}.InstanceErrorInfo`, id: 2 },
    },
    nested: {
      InstanceState: {
        values: { unspecified: 0, instanceRunning: 1, instanceCreating: 2, instanceDeleting: 3 },
      },
    },
  },
  InstanceErrorInfo: message({
    errorCode: str(1),
    errorMessage: str(2),
    instanceErrorClass: { type: 'int32', id: 3 },
  }),
  NodeGroupTemplateNodeInfoRequest: message({ id: str(1) }),
  NodeGroupTemplateNodeInfoResponse: message({ nodeInfo: { type: `${CORE}.Node`, id: 1 } }),
  NodeGroupAutoscalingOptions: message({
    scaleDownUtilizationThreshold: { type: 'double', id: 1 },
    scaleDownGpuUtilizationThreshold: { type: 'double', id: 2 },
    scaleDownUnneededTime: { type: `${META}.Duration`, id: 3 },
    scaleDownUnreadyTime: { type: `${META}.Duration`, id: 4 },
    MaxNodeProvisionTime: { type: `${META}.Duration`, id: 5 },
    zeroOrMaxNodeScaling: { type: 'bool', id: 6 },
    ignoreDaemonSetsUtilization: { type: 'bool', id: 7 },
  }),
  NodeGroupAutoscalingOptionsRequest: message({
    id: str(1),
    defaults: { type: OPTIONS, id: 2 },
  }),
  NodeGroupAutoscalingOptionsResponse: message({
    nodeGroupAutoscalingOptions: { type: OPTIONS, id: 1 },
  }),
};

const root = protobuf.Root.fromJSON({
  nested: {
    ...k8sSchema,
    clusterautoscaler: {
      nested: {
        cloudprovider: {
          nested: { v1: { nested: { externalgrpc: { nested: serviceMessages } } } },
        },
      },
    },
  },
});

/** Every RPC of the service: its request and response message names. */
export const METHODS = {
  NodeGroups: ['NodeGroupsRequest', 'NodeGroupsResponse'],
  NodeGroupForNode: ['NodeGroupForNodeRequest', 'NodeGroupForNodeResponse'],
  PricingNodePrice: ['PricingNodePriceRequest', 'PricingNodePriceResponse'],
  PricingPodPrice: ['PricingPodPriceRequest', 'PricingPodPriceResponse'],
  GPULabel: ['GPULabelRequest', 'GPULabelResponse'],
  GetAvailableGPUTypes: ['GetAvailableGPUTypesRequest', 'GetAvailableGPUTypesResponse'],
  Cleanup: ['CleanupRequest', 'CleanupResponse'],
  Refresh: ['RefreshRequest', 'RefreshResponse'],
  NodeGroupTargetSize: ['NodeGroupTargetSizeRequest', 'NodeGroupTargetSizeResponse'],
  NodeGroupIncreaseSize: ['NodeGroupIncreaseSizeRequest', 'NodeGroupIncreaseSizeResponse'],
  NodeGroupDeleteNodes: ['NodeGroupDeleteNodesRequest', 'NodeGroupDeleteNodesResponse'],
  NodeGroupDecreaseTargetSize: [
    'NodeGroupDecreaseTargetSizeRequest',
    'NodeGroupDecreaseTargetSizeResponse',
  ],
  NodeGroupNodes: ['NodeGroupNodesRequest', 'NodeGroupNodesResponse'],
  NodeGroupTemplateNodeInfo: [
    'NodeGroupTemplateNodeInfoRequest',
    'NodeGroupTemplateNodeInfoResponse',
  ],
  NodeGroupGetOptions: [
    'NodeGroupAutoscalingOptionsRequest',
    'NodeGroupAutoscalingOptionsResponse',
  ],
} as const;

export type MethodName = keyof typeof METHODS;

export interface Codec {
  encode(value: object): Buffer;
  decode(bytes: Buffer): Record<string, unknown>;
}

/** Encoder and decoder of one message of the service, plain objects in and out (int64 as number). */
export function codec(messageName: string): Codec {
  const type = root.lookupType(`${SERVICE_PACKAGE}.${messageName}`);
  return {
    encode: (value) => Buffer.from(type.encode(type.fromObject(value)).finish()),
    decode: (bytes) =>
      type.toObject(type.decode(bytes), { longs: Number, enums: String, defaults: true }),
  };
}
