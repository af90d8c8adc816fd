import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTROLLERS, controllerManagerArgs, controllersFor } from './controller-flags.js';

const input = {
  kubeconfig: 'k.conf',
  bindAddress: '127.0.0.1',
  securePort: 10257,
  clusterName: 'demo',
  clusterCidr: '10.100.0.0/16',
  serviceClusterIpRange: '10.254.0.0/16',
  pki: {
    caFile: 'ca',
    caKeyFile: 'ca.key',
    frontProxyCaFile: 'fp',
    serviceAccountPrivateKeyFile: 'sa',
  },
};

test('the in-tree cloud controllers are turned off up to 1.36 and not named from 1.37', () => {
  for (const minor of [undefined, '1.34', '1.35', '1.36']) {
    assert.deepEqual(controllersFor(minor), CONTROLLERS, String(minor));
  }
  assert.deepEqual(controllersFor('1.37'), [
    '*',
    'bootstrap-signer-controller',
    'token-cleaner-controller',
  ]);
  const flag = (minor?: string) =>
    controllerManagerArgs({ ...input, ...(minor ? { minor } : {}) }).find((a) =>
      a.startsWith('--controllers='),
    );
  assert.match(flag('1.36') ?? '', /-service-lb-controller/);
  assert.equal(
    flag('1.37'),
    '--controllers=*,bootstrap-signer-controller,token-cleaner-controller',
  );
});
