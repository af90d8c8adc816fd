import { test } from 'node:test';
import assert from 'node:assert/strict';
import { json, runCli, startFakeApi } from '../lib/testing/fake-api.js';

const operation = {
  id: 'op-1',
  kind: 'AddonInstall',
  target: {
    kind: 'Cluster',
    project: 'default',
    cluster: 'web',
    clusterUid: 'u',
    name: 'web',
    generation: 2,
    addon: 'ingress',
  },
  phase: 'Pending',
  progress: 0,
  message: 'accepted',
  createdAt: '2026-12-06T04:00:00Z',
  updatedAt: '2026-12-06T04:00:00Z',
};

test('addon install sends name, version and --set settings; list shows phase and settings', async (t) => {
  const fake = await startFakeApi();
  t.after(() => fake.close());
  fake.on('POST', /\/clusters\/web\/addons$/, (_q, res) =>
    json(res, 202, { addon: { name: 'ingress', version: '3.6.12-berth.2' }, operation }),
  );
  fake.on('GET', /\/clusters\/web\/addons$/, (_q, res) =>
    json(res, 200, {
      items: [
        {
          name: 'ingress',
          version: '3.6.12-berth.2',
          config: { replicas: '3' },
          status: {
            name: 'ingress',
            version: '3.6.12-berth.2',
            phase: 'Installed',
            message: '3 pods available',
          },
        },
      ],
    }),
  );
  const env = { BERTH_ENDPOINT: fake.endpoint, BERTH_TOKEN: 'berth_member' };
  const install = await runCli(
    ['addon', 'install', 'web', 'ingress', '--version', '3.6.12-berth.2', '--set', 'replicas=3'],
    { env },
  );
  assert.equal(install.code, 0, install.stderr);
  assert.deepEqual(fake.seen[0]?.body, {
    name: 'ingress',
    version: '3.6.12-berth.2',
    config: { replicas: '3' },
  });
  assert.match(install.stdout, /accepted, operation op-1/);
  const list = await runCli(['addon', 'list', 'web'], { env });
  assert.equal(list.code, 0, list.stderr);
  assert.match(
    list.stdout,
    /^NAME +VERSION +PHASE +SETTINGS +MESSAGE\ningress +3\.6\.12-berth\.2 +Installed +replicas=3 +3 pods available\n$/,
  );
  const bad = await runCli(['addon', 'install', 'web', 'ingress', '--set', 'replicas'], { env });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--set wants key=value/);
});
