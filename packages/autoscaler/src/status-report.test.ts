import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStatusReport } from './status-report.js';

/** The shape cluster-autoscaler 1.33 writes into kube-system/cluster-autoscaler-status. */
const REPORT = `time: 2026-12-05 01:40:11.795 +0000 UTC
autoscalerStatus: Running
clusterWide:
  health:
    status: Healthy
nodeGroups:
- name: flood
  health:
    status: Healthy
    nodeCounts:
      registered:
        total: 9
    cloudProviderTarget: 9
    minSize: 0
    maxSize: 20
  scaleUp:
    status: Backoff
    backoffInfo:
      errorCode: ProviderQuota
      errorMessage: subnet 10.0.0.0/28 has no free address
  scaleDown:
    status: NoCandidates
- name: base
  health:
    status: Healthy
    cloudProviderTarget: 3
  scaleUp:
    status: NoActivity
  scaleDown:
    status: CandidatesPresent
    candidates: 2
`;

test('per group: health, scale-up state with its backoff, scale-down candidates', () => {
  const report = parseStatusReport(REPORT);
  assert.deepEqual(report.get('flood'), {
    health: 'Healthy',
    cloudProviderTarget: 9,
    scaleUp: 'Backoff',
    backoff: { errorCode: 'ProviderQuota', errorMessage: 'subnet 10.0.0.0/28 has no free address' },
    scaleDownCandidates: 0,
  });
  assert.deepEqual(report.get('base'), {
    health: 'Healthy',
    cloudProviderTarget: 3,
    scaleUp: 'NoActivity',
    scaleDownCandidates: 2,
  });
});

test('text that is not the YAML report gives no groups rather than an error', () => {
  assert.equal(parseStatusReport('Cluster-autoscaler status at 2020: {{{').size, 0);
  assert.equal(parseStatusReport('').size, 0);
  assert.equal(parseStatusReport('nodeGroups: 3').size, 0);
});
