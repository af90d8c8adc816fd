import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VersionItem } from '@berth/api-types';
import { json, runCli, startFakeApi } from '../lib/testing/fake-api.js';

const versions: VersionItem[] = [
  { version: '1.37', patch: '1.37.2', default: true, endOfSupport: '2027-10-28', upgradesTo: [] },
  {
    version: '1.36',
    patch: '1.36.3',
    default: false,
    endOfSupport: '2027-06-28',
    upgradesTo: ['1.37.2'],
  },
];

test('version list shows the default, the end of support and the upgrade targets', async (t) => {
  const fake = await startFakeApi();
  t.after(() => fake.close());
  fake.on('GET', /\/v1\/versions$/, (_q, res) => json(res, 200, { items: versions }));
  const env = { BERTH_ENDPOINT: fake.endpoint, BERTH_TOKEN: 'berth_viewer' };
  const list = await runCli(['version', 'list'], { env });
  assert.equal(list.code, 0, list.stderr);
  assert.match(
    list.stdout,
    new RegExp(
      '^VERSION +PATCH +DEFAULT +END OF SUPPORT +UPGRADES TO\n' +
        '1\\.37 +1\\.37\\.2 +yes +2027-10-28 +-\n' +
        '1\\.36 +1\\.36\\.3 +2027-06-28 +1\\.37\\.2\n$',
    ),
  );
  const asJson = await runCli(['version', 'list', '-o', 'json'], { env });
  assert.equal(asJson.code, 0, asJson.stderr);
  assert.deepEqual(JSON.parse(asJson.stdout), { items: versions });
});
