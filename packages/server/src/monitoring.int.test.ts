/**
 * The monitoring query API with a fake Prometheus at the port (ClusterPrometheusApi): who may
 * query, the addon check, Prometheus's answers and failures mapped to the API's, and 501 where
 * no Prometheus is wired (memory provider). The real proxy path is in
 * kube-bootstrap's kube-cluster-prometheus.e2e.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { storeBackends } from '@berth/store/testing';
import { client, problemOf, testApp, type Client, type TestApp } from './testing/app.js';
import { FakePrometheus, prometheusError, prometheusSuccess } from './testing/fake-prometheus.js';

const BASE = '/v1/projects/default/clusters';
const Q = (query: string, extra = '') =>
  `${BASE}/mon/monitoring/query?query=${encodeURIComponent(query)}${extra}`;

for (const backend of storeBackends()) {
  describe(`monitoring API on ${backend.name}`, () => {
    let t: TestApp;
    let api: Client;
    let viewer: Client;
    const prometheus = new FakePrometheus();

    const setAddonPhase = (phase: 'Installing' | 'Installed') =>
      t.store.clusters.updateStatus({ project: 'default', name: 'mon' }, (s) => ({
        ...s,
        addons: [{ name: 'monitoring', version: '0.85.0-berth.2', phase }],
      }));

    before(async () => {
      await backend.setUp();
      t = await testApp(await backend.open(), {
        addons: new Set(['monitoring']),
        prometheus,
      });
      api = client(t.app, t.adminSecret);
      assert.equal((await api.post(BASE, { metadata: { name: 'mon' } })).status, 202);
      const created = await api.post('/v1/projects/default/tokens', { name: 'v', role: 'viewer' });
      viewer = client(t.app, created.body.secret);
    });
    after(async () => {
      try {
        await t?.app.close();
        await t?.store.close();
      } finally {
        await backend.tearDown();
      }
    });

    test('without the addon: 409 BERTH_ERR_ADDON_NOT_INSTALLED naming monitoring', async () => {
      const reply = await api.get(Q('up'));
      assert.deepEqual(problemOf(reply), { status: 409, code: 'BERTH_ERR_ADDON_NOT_INSTALLED' });
      assert.equal(reply.body.details.addon, 'monitoring');
      assert.match(reply.body.detail, /berth addon install mon monitoring/);
      const install = await api.post(`${BASE}/mon/addons`, { name: 'monitoring' });
      assert.equal(install.status, 202, install.text);
      await setAddonPhase('Installing');
      const installing = await api.get(Q('up'));
      assert.equal(installing.body.code, 'BERTH_ERR_ADDON_NOT_INSTALLED');
      assert.equal(installing.body.details.phase, 'Installing');
      assert.equal(prometheus.calls.length, 0);
    });

    test('installed: a viewer queries; Prometheus gets the query and time', async () => {
      await setAddonPhase('Installed');
      const reply = await viewer.get(Q('count(kube_node_info)', '&time=1700000000'));
      assert.equal(reply.status, 200, reply.text);
      assert.deepEqual(reply.body, {
        resultType: 'vector',
        result: [{ metric: { job: 'fake' }, value: [1_700_000_000, '1'] }],
      });
      assert.deepEqual(prometheus.calls.at(-1), {
        cluster: 'mon',
        endpoint: 'query',
        params: { query: 'count(kube_node_info)', time: '1700000000' },
      });
    });

    test('query_range passes start, end and step and answers a matrix', async () => {
      const reply = await viewer.get(
        `${BASE}/mon/monitoring/query_range?query=up&start=1000&end=1120&step=60`,
      );
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.body.resultType, 'matrix');
      assert.deepEqual(reply.body.result[0].values, [
        [1000, '1'],
        [1060, '1'],
        [1120, '1'],
      ]);
      assert.deepEqual(prometheus.calls.at(-1)?.params, {
        query: 'up',
        start: '1000',
        end: '1120',
        step: '60',
      });
      const missing = await viewer.get(`${BASE}/mon/monitoring/query_range?query=up&start=1`);
      assert.equal(problemOf(missing).status, 400);
    });

    test('a scalar becomes one series without labels; warnings are kept', async () => {
      prometheus.respond = () => ({
        status: 200,
        body: JSON.stringify({
          status: 'success',
          data: { resultType: 'scalar', result: [5, '2'] },
          warnings: ['careful'],
        }),
      });
      const reply = await api.get(Q('scalar(1)'));
      assert.deepEqual(reply.body, {
        resultType: 'scalar',
        result: [{ metric: {}, value: [5, '2'] }],
        warnings: ['careful'],
      });
    });

    test("a bad query is 400 naming query (or Prometheus's parameter), with its words", async () => {
      prometheus.respond = () =>
        prometheusError(400, 'bad_data', 'invalid parameter "query": 1:5: parse error: unexpected');
      const bad = await api.get(Q('sum(('));
      assert.deepEqual(problemOf(bad), {
        status: 400,
        code: 'BERTH_ERR_VALIDATION',
        field: 'query',
      });
      assert.match(bad.body.detail, /^Prometheus: invalid parameter "query": 1:5: parse error/);
      prometheus.respond = () =>
        prometheusError(400, 'bad_data', 'invalid parameter "time": cannot parse "x"');
      assert.equal((await api.get(Q('up', '&time=x'))).body.field, 'time');
      prometheus.respond = () =>
        prometheusError(422, 'execution', 'found duplicate series for the match group');
      assert.equal((await api.get(Q('a * on() b'))).body.field, 'query');
      prometheus.respond = () =>
        prometheusSuccess({ resultType: 'string', result: [1, 'x'.repeat(17 * 2 ** 20)] });
      const huge = await api.get(Q('up'));
      assert.deepEqual(problemOf(huge), {
        status: 400,
        code: 'BERTH_ERR_VALIDATION',
        field: 'query',
      });
      assert.match(huge.body.detail, /larger than 16 MiB; narrow the query/);
      const empty = await api.get(`${BASE}/mon/monitoring/query?query=`);
      assert.deepEqual(problemOf(empty), {
        status: 400,
        code: 'BERTH_ERR_VALIDATION',
        field: 'query',
      });
    });

    test('Prometheus away or failing: 503 (or 504 for its timeout), never a 500', async () => {
      const cases: [ReturnType<FakePrometheus['respond']>, number, RegExp][] = [
        [
          { unreachable: 'connect ECONNREFUSED 192.0.2.9:6443' },
          503,
          /no answer through the cluster's API: connect ECONNREFUSED/,
        ],
        [
          {
            status: 503,
            body: JSON.stringify({
              kind: 'Status',
              message: 'no endpoints available for service "prometheus:web"',
            }),
          },
          503,
          /HTTP 503: no endpoints available/,
        ],
        [
          {
            status: 404,
            body: JSON.stringify({ kind: 'Status', message: 'services "prometheus" not found' }),
          },
          503,
          /Prometheus is not in the cluster/,
        ],
        [{ status: 200, body: '<html>proxy</html>' }, 503, /did not answer \(HTTP 200/],
        [
          prometheusError(503, 'timeout', 'query timed out in expression evaluation'),
          504,
          /timed out/,
        ],
        [
          prometheusError(500, 'internal', 'boom'),
          503,
          /Prometheus failed \(HTTP 500, internal\): boom/,
        ],
      ];
      for (const [answer, status, detail] of cases) {
        prometheus.respond = () => answer;
        const reply = await api.get(Q('up'));
        assert.equal(reply.status, status, reply.text);
        assert.match(reply.body.detail, detail);
      }
      prometheus.respond = () => prometheusSuccess({ resultType: 'vector', result: [] });
      assert.deepEqual((await api.get(Q('up'))).body, { resultType: 'vector', result: [] });
    });

    test("another project's token sees no cluster; no token is 401", async () => {
      assert.equal((await api.post('/v1/projects', { metadata: { name: 'other' } })).status, 201);
      const created = await api.post('/v1/projects/other/tokens', { name: 'o', role: 'admin' });
      const other = client(t.app, created.body.secret);
      assert.equal(problemOf(await other.get(Q('up'))).status, 404);
      assert.equal(problemOf(await client(t.app, undefined).get(Q('up'))).status, 401);
      assert.equal(
        problemOf(await api.get(`${BASE}/nope/monitoring/query?query=up`)).code,
        'BERTH_ERR_CLUSTER_NOT_FOUND',
      );
    });
  });

  describe(`monitoring API without a Prometheus port (memory provider) on ${backend.name}`, () => {
    let t: TestApp;
    before(async () => {
      await backend.setUp();
      t = await testApp(await backend.open());
    });
    after(async () => {
      try {
        await t?.app.close();
        await t?.store.close();
      } finally {
        await backend.tearDown();
      }
    });

    test('501 BERTH_ERR_NOT_IMPLEMENTED', async () => {
      const api = client(t.app, t.adminSecret);
      assert.equal((await api.post(BASE, { metadata: { name: 'sim' } })).status, 202);
      const reply = await api.get(`${BASE}/sim/monitoring/query?query=up`);
      assert.deepEqual(problemOf(reply), { status: 501, code: 'BERTH_ERR_NOT_IMPLEMENTED' });
    });
  });
}
