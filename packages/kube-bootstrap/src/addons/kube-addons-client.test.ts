import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workloadPods, type Workload } from './kube-addons-client.js';

const deployment = (status: Workload['status'], generation = 2, replicas = 2): Workload => ({
  metadata: { name: 'traefik', generation },
  spec: { replicas },
  status: { observedGeneration: 2, ...status },
});

test('a Deployment counts only pods of its current revision as available', () => {
  const cases: [string, Workload, number][] = [
    ['rolled out', deployment({ updatedReplicas: 2, availableReplicas: 2 }), 2],
    // maxUnavailable 0: the old pods serve, the one new pod cannot be scheduled.
    [
      'rollout stuck on a new pod',
      deployment({ updatedReplicas: 1, availableReplicas: 2, unavailableReplicas: 1 }),
      0,
    ],
    [
      'half rolled',
      deployment({ updatedReplicas: 2, availableReplicas: 3, unavailableReplicas: 1 }),
      1,
    ],
    ['generation not seen yet', deployment({ updatedReplicas: 2, availableReplicas: 2 }, 3), 0],
    ['no status yet', { metadata: { name: 'x', generation: 1 }, spec: { replicas: 2 } }, 0],
  ];
  for (const [what, item, available] of cases)
    assert.deepEqual(workloadPods('Deployment', item), { desired: 2, available }, what);
});

test('a DaemonSet wants one pod per scheduled node', () => {
  const ds: Workload = {
    metadata: { name: 'agent', generation: 1 },
    status: {
      observedGeneration: 1,
      desiredNumberScheduled: 3,
      updatedNumberScheduled: 3,
      numberAvailable: 2,
      numberUnavailable: 1,
    },
  };
  assert.deepEqual(workloadPods('DaemonSet', ds), { desired: 3, available: 2 });
});

test('a Prometheus is available as its operator says: Available=True for its generation, pods updated', () => {
  const prometheus = (
    available: string,
    observedGeneration: number,
    availableReplicas: number,
    updatedReplicas = availableReplicas,
  ): Workload => ({
    metadata: { name: 'berth', generation: 2 },
    spec: { replicas: 1 },
    status: {
      availableReplicas,
      updatedReplicas,
      conditions: [{ type: 'Available', status: available, observedGeneration }],
    },
  });
  assert.deepEqual(workloadPods('Prometheus', prometheus('True', 2, 1)), {
    desired: 1,
    available: 1,
  });
  assert.deepEqual(workloadPods('Prometheus', prometheus('False', 2, 0)), {
    desired: 1,
    available: 0,
  });
  assert.deepEqual(workloadPods('Prometheus', prometheus('True', 1, 1)), {
    desired: 1,
    available: 0,
  });
  // An upgrade: the operator says Available while the old pod still runs the previous spec.
  assert.deepEqual(workloadPods('Prometheus', prometheus('True', 2, 1, 0)), {
    desired: 1,
    available: 0,
  });
  assert.deepEqual(workloadPods('Prometheus', { metadata: { name: 'berth' } }), {
    desired: 1,
    available: 0,
  });
});
