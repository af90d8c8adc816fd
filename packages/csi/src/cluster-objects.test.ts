import { test } from 'node:test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertGolden } from '@berth/test-kit';
import { driverObjects } from './cluster-objects.js';

const TESTDATA = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'src',
  'testdata',
);

test('the CSIDriver and one StorageClass per volume type, ssd the default', () => {
  const objects = driverObjects({ volumeTypes: ['ssd', 'hdd', 'high-iops'], defaultType: 'ssd' });
  assertGolden(TESTDATA, 'driver-objects', `${JSON.stringify(objects, null, 2)}\n`);
});
