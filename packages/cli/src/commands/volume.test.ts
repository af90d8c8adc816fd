import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InfraVolume } from '@berth/api-types';
import { json, runCli, startFakeApi } from '../lib/testing/fake-api.js';

const pv: InfraVolume = {
  id: 'vol-1',
  kind: 'volumes',
  name: 'pvc-0d4c',
  project: 'default',
  cluster: 'demo',
  status: 'in-use',
  attributes: { createdAt: '2025-06-01T11:00:00Z', tags: { 'berth.dev/role': 'volume' } },
  purpose: 'persistent-volume',
  state: 'in-use',
  volumeType: 'hdd',
  sizeGb: 2,
  zone: 'az1',
  pvc: { namespace: 'shop', name: 'data-db-0' },
  persistentVolume: 'pvc-0d4c',
  node: { name: 'demo-a-x7k2p', serverId: 'srv-1', device: '/dev/vdc' },
};
const disk: InfraVolume = {
  id: 'vol-2',
  kind: 'volumes',
  name: 'demo-a-x7k2p-root',
  project: 'default',
  cluster: 'demo',
  status: 'available',
  attributes: { createdAt: '2025-06-01T11:58:00Z' },
  purpose: 'node-disk',
  state: 'available',
  volumeType: 'ssd',
  sizeGb: 20,
  zone: 'az1',
};

test('volume list shows the PVC, node and state; --cluster narrows; -o json is the objects', async (t) => {
  const fake = await startFakeApi();
  t.after(() => fake.close());
  fake.on('GET', /\/projects\/default\/volumes$/, (_q, res) =>
    json(res, 200, { metadata: {}, items: [pv, disk] }),
  );
  const env = { BERTH_ENDPOINT: fake.endpoint, BERTH_TOKEN: 'berth_viewer' };
  const list = await runCli(['volume', 'list', '--cluster', 'demo'], { env });
  assert.equal(list.code, 0, list.stderr);
  assert.equal(fake.seen[0]?.url, '/v1/projects/default/volumes?cluster=demo');
  assert.match(
    list.stdout,
    new RegExp(
      '^NAME +CLUSTER +PURPOSE +STATE +TYPE +SIZE +ZONE +PVC +NODE +AGE\n' +
        'pvc-0d4c +demo +persistent-volume +in-use +hdd +2Gi +az1 +shop/data-db-0 +demo-a-x7k2p +60m\n' +
        'demo-a-x7k2p-root +demo +node-disk +available +ssd +20Gi +az1 +- +- +2m\n$',
    ),
  );

  const all = await runCli(['volume', 'list', '-o', 'json'], { env });
  assert.equal(all.code, 0, all.stderr);
  assert.equal(fake.seen[1]?.url, '/v1/projects/default/volumes');
  assert.deepEqual(JSON.parse(all.stdout), { items: [pv, disk] });
});
