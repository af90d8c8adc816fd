import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fioVersion, parseFioIops } from './fio.js';

/** The shape of `fio --output-format=json` (3.33), cut to what matters. */
const report = (jobs: Array<{ read: number; write: number }>) =>
  JSON.stringify(
    {
      'fio version': 'fio-3.33',
      timestamp: 1796515762,
      jobs: jobs.map((j, i) => ({
        jobname: `t${i}`,
        error: 0,
        read: { io_bytes: 255614976, bw: 31199, iops: j.read, runtime: 2000 },
        write: { io_bytes: 0, bw: 0, iops: j.write, runtime: 0 },
        trim: { iops: 0 },
      })),
      disk_util: [],
    },
    null,
    2,
  );

test('parseFioIops reads read and write IOPS, summed over jobs', () => {
  assert.deepEqual(parseFioIops(report([{ read: 15601.69915, write: 0 }])), {
    readIops: 15601.69915,
    writeIops: 0,
  });
  assert.deepEqual(
    parseFioIops(
      report([
        { read: 1000, write: 250.5 },
        { read: 3000, write: 0 },
      ]),
    ),
    { readIops: 4000, writeIops: 250.5 },
  );
});

test('parseFioIops skips the notes fio prints before the report', () => {
  const output = `note: both iodepth >= 1 and synchronous I/O engine are selected, queue depth will be capped at 1\n${report([{ read: 199.8, write: 0 }])}\n`;
  assert.equal(parseFioIops(output).readIops, 199.8);
});

test('parseFioIops refuses output without a report', () => {
  for (const output of [
    '',
    'fio: pid=0, err=2/file:filesetup.c',
    '{"jobs": []}',
    '{"jobs": [',
    'null',
  ])
    assert.throws(() => parseFioIops(output), { code: 'BERTH_ERR_VALIDATION' }, output);
});

test('fioVersion: the tag from `fio --version`', () => {
  assert.equal(fioVersion('fio-3.33\n'), '3.33');
  assert.equal(fioVersion('fio-3.36-12-gabcdef'), '3.36-12-gabcdef');
  assert.throws(() => fioVersion('fio: command not found'), { code: 'BERTH_ERR_VALIDATION' });
});
