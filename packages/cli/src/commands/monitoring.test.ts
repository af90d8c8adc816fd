import { test } from 'node:test';
import assert from 'node:assert/strict';
import { json, runCli, startFakeApi } from '../lib/testing/fake-api.js';
import { resultTable } from './monitoring.js';

const vector = {
  resultType: 'vector',
  result: [
    { metric: { node: 'web-default-a', job: 'node-exporter' }, value: [1_700_000_000, '0.25'] },
    { metric: { __name__: 'up', node: 'web-default-b' }, value: [1_700_000_000, '1'] },
  ],
};

test('monitoring query sends the PromQL and --time, prints the vector as a table or JSON', async (t) => {
  const fake = await startFakeApi();
  t.after(() => fake.close());
  fake.on('GET', /\/clusters\/web\/monitoring\/query$/, (_q, res) => json(res, 200, vector));
  const env = { BERTH_ENDPOINT: fake.endpoint, BERTH_TOKEN: 'berth_viewer' };
  const run = await runCli(
    ['monitoring', 'query', 'web', 'sum(up) by (node)', '--time', '1700000000'],
    {
      env,
    },
  );
  assert.equal(run.code, 0, run.stderr);
  const url = new URL(fake.seen[0]!.url, 'http://x');
  assert.equal(url.pathname, '/v1/projects/default/clusters/web/monitoring/query');
  assert.equal(url.searchParams.get('query'), 'sum(up) by (node)');
  assert.equal(url.searchParams.get('time'), '1700000000');
  assert.equal(
    run.stdout,
    'METRIC   JOB             NODE            VALUE\n' +
      '-        node-exporter   web-default-a   0.25\n' +
      'up       -               web-default-b   1\n',
  );
  const asJson = await runCli(['monitoring', 'query', 'web', 'up', '-o', 'json'], { env });
  assert.deepEqual(JSON.parse(asJson.stdout), vector);
});

test('monitoring query shows the API problem (addon not installed) and fails', async (t) => {
  const fake = await startFakeApi();
  t.after(() => fake.close());
  fake.on('GET', /\/monitoring\/query$/, (_q, res) =>
    json(res, 409, {
      type: 'https://berth.dev/errors/BERTH_ERR_ADDON_NOT_INSTALLED',
      title: 'Addon not installed',
      status: 409,
      code: 'BERTH_ERR_ADDON_NOT_INSTALLED',
      detail: 'the monitoring addon of cluster "web" is not installed',
      details: { addon: 'monitoring' },
    }),
  );
  const env = { BERTH_ENDPOINT: fake.endpoint, BERTH_TOKEN: 'berth_viewer' };
  const run = await runCli(['monitoring', 'query', 'web', 'up'], { env });
  assert.notEqual(run.code, 0);
  assert.match(run.stderr, /monitoring addon of cluster "web" is not installed/);
});

test('resultTable: a range vector shows the last value and the sample count; none says so', () => {
  assert.equal(
    resultTable({
      resultType: 'matrix',
      result: [
        {
          metric: { pod: 'p' },
          values: [
            [1, '2'],
            [2, '3'],
          ],
        },
      ],
    }),
    'POD   VALUE   SAMPLES\np     3       2\n',
  );
  assert.equal(resultTable({ resultType: 'vector', result: [] }), 'No series.\n');
  assert.equal(
    resultTable({ resultType: 'scalar', result: [{ metric: {}, value: [1, '42'] }] }),
    'VALUE\n42\n',
  );
});
