/**
 * Operation: a plain record (not a Kubernetes-style object) with the progress of one long action (create, delete, start, stop, upgrade, node group
 * changes). The API creates it `Pending`; the controllers move it to `Running` and finish it with
 * `Succeeded` or `Failed` (with a problem) once the object reached the state the action asked for,
 * i.e. `status.observedGeneration >= target.generation` and the action's phase.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ProblemSchema } from './problem.js';
import { Closed, StringEnum, Timestamp } from './schema-helpers.js';

export const OPERATION_KINDS = [
  'ClusterCreate',
  'ClusterUpdate',
  'ClusterDelete',
  'ClusterStart',
  'ClusterStop',
  'ClusterUpgrade',
  'ClusterRenewCertificates',
  'NodeGroupCreate',
  'NodeGroupUpdate',
  'NodeGroupDelete',
  'AddonInstall',
  'AddonRemove',
] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

export const OPERATION_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed'] as const;
export type OperationPhase = (typeof OPERATION_PHASES)[number];

export const OperationTarget = Closed({
  kind: StringEnum(['Cluster', 'NodeGroup'] as const),
  project: Type.String(),
  cluster: Type.String(),
  clusterUid: Type.String(),
  name: Type.String({ description: 'Name of the target object (cluster or node group)' }),
  generation: Type.Integer({ description: 'Generation of the target the action produced' }),
  addon: Type.Optional(
    Type.String({ description: 'The addon acted on (AddonInstall, AddonRemove)' }),
  ),
});
export type OperationTarget = Static<typeof OperationTarget>;

export const Operation = Closed(
  {
    id: Type.String(),
    kind: StringEnum(OPERATION_KINDS),
    target: OperationTarget,
    phase: StringEnum(OPERATION_PHASES),
    progress: Type.Integer({ minimum: 0, maximum: 100 }),
    message: Type.String(),
    error: Type.Optional(ProblemSchema),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    finishedAt: Type.Optional(Timestamp),
  },
  { title: 'Operation' },
);
export type Operation = Static<typeof Operation>;

export function isOperationFinished(op: Pick<Operation, 'phase'>): boolean {
  return op.phase === 'Succeeded' || op.phase === 'Failed';
}
