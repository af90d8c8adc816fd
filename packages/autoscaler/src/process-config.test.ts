import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { assertGolden } from '@berth/test-kit';
import { autoscalerArgs, filesIn, renderCloudConfig } from './process-config.js';

const testdata = fileURLToPath(new URL('../src/testdata/', import.meta.url));
const files = filesIn('/var/lib/berth/autoscaler/0b6c');

test('cloud-config: Berth’s service address and the mTLS files', () => {
  assertGolden(
    testdata,
    'cloud-config.yaml',
    renderCloudConfig({ address: '127.0.0.1:40123', files }),
  );
});

test('command line: externalgrpc, no leader election, the cluster’s scale-down settings', () => {
  const args = autoscalerArgs({
    files,
    settings: {
      scaleDownUnneededSeconds: 600,
      scaleDownUtilizationThreshold: 0.5,
      scaleDownDelayAfterAddSeconds: 600,
    },
    statusPort: 41000,
  });
  assertGolden(testdata, 'autoscaler-args', `${args.join('\n')}\n`);
});

test('a short unneeded time shortens the recheck of busy nodes; a long one stops at 5 m', () => {
  const recheck = (seconds: number) =>
    autoscalerArgs({
      files,
      settings: {
        scaleDownUnneededSeconds: seconds,
        scaleDownUtilizationThreshold: 0.5,
        scaleDownDelayAfterAddSeconds: 0,
      },
      statusPort: 1,
    }).find((a) => a.startsWith('--unremovable-node-recheck-timeout='));
  assert.equal(recheck(30), '--unremovable-node-recheck-timeout=30s');
  assert.equal(recheck(3600), '--unremovable-node-recheck-timeout=300s');
});
