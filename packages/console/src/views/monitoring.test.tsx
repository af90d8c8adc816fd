import '../testing/dom.js';
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { cluster, fakeApi, json, problem, SseStream, type FakeApi } from '../testing/fake-api.js';
import { button, cleanup, click, waitFor } from '../testing/render.js';
import { renderSignedIn } from '../testing/session.js';
import { dashboardQueries, PANELS } from '../lib/dashboards.js';
import { MonitoringPanel } from './monitoring.js';
import { ClusterPage } from './cluster.js';

afterEach(cleanup);

const PATH = '/v1/projects/default/clusters/web';

function withMonitoring(phase?: 'Installing' | 'Installed' | 'Failed') {
  const c = cluster('web');
  return {
    ...c,
    spec: { ...c.spec, addons: [{ name: 'monitoring', version: '0.85.0-berth.2' }] },
    status: {
      ...c.status,
      ...(phase
        ? {
            addons: [
              {
                name: 'monitoring',
                version: '0.85.0-berth.2',
                phase,
                message: 'waiting',
                reason: 'Unschedulable',
              },
            ],
          }
        : {}),
    },
  };
}

/** A matrix for `query`: one series per namespace for the pods panel, else one series. */
function answer(query: string, start: number, step: number) {
  const values = (v: number) => [0, 1, 2].map((i) => [start + i * step, String(v + i)]);
  if (query.includes('namespace'))
    return {
      resultType: 'matrix',
      result: [
        { metric: { namespace: 'kube-system' }, values: values(4) },
        { metric: { namespace: 'berth-monitoring' }, values: values(6) },
      ],
    };
  if (query.includes('histogram_quantile'))
    return {
      resultType: 'matrix',
      result: [
        {
          metric: {},
          values: [
            [start, 'NaN'],
            [start + step, '12.5'],
          ],
        },
      ],
    };
  return {
    resultType: 'matrix',
    result: [{ metric: { verb: 'GET', entrypoint: 'web' }, values: values(1) }],
  };
}

function prometheusApi(role: 'viewer' | 'member' = 'viewer'): FakeApi {
  return fakeApi(role).on('GET', /\/monitoring\/query_range\?/, (r) => {
    const q = new URL(r.path, 'http://x').searchParams;
    if (q.get('query')!.includes('traefik'))
      return problem(503, 'BERTH_ERR_UNAVAILABLE', 'Prometheus did not answer (HTTP 503)');
    return json(answer(q.get('query')!, Number(q.get('start')), Number(q.get('step'))));
  });
}

test('installed: every dashboard query is asked for the last hour; panels draw; one failure stays in its panel', async () => {
  const api = prometheusApi();
  const { container } = await renderSignedIn(
    <MonitoringPanel
      project="default"
      cluster={withMonitoring('Installed') as never}
      installable={false}
    />,
    api,
    'viewer',
  );
  await waitFor(() => container.querySelector('[data-panel="ingress"] .field-error'));
  const asked = api.seen.filter((r) => r.path.includes('/monitoring/query_range'));
  const params = asked.map((r) => new URL(r.path, 'http://x').searchParams);
  // (a 503 is retried once by the client: the set of queries, not the count)
  assert.deepEqual(
    [...new Set(params.map((p) => p.get('query')))].sort(),
    dashboardQueries().sort(),
  );
  for (const p of params) {
    assert.equal(Number(p.get('end')) - Number(p.get('start')), 3600);
    assert.equal(p.get('step'), '60');
  }
  assert.ok(asked.every((r) => r.path.startsWith(`${PATH}/monitoring/query_range?`)));
  for (const panel of PANELS)
    assert.ok(
      container.querySelector(`[data-panel="${panel.id}"] figcaption`)?.textContent === panel.title,
    );
  const legend = (id: string) =>
    [...container.querySelectorAll(`[data-panel="${id}"] .legend li`)].map((li) => li.textContent);
  assert.deepEqual(legend('pods'), ['berth-monitoring: 8 pods', 'kube-system: 6 pods']);
  assert.deepEqual(legend('nodes'), ['nodes: 3 nodes', 'ready: 3 nodes']);
  assert.deepEqual(legend('apiserver-latency'), ['p99: 12.5 ms'], 'NaN is not drawn');
  assert.equal(container.querySelectorAll('[data-panel="pods"] path.series').length, 2);
  assert.match(
    container.querySelector('[data-panel="ingress"]')!.textContent!,
    /No data yet\..*Prometheus did not answer \(HTTP 503\)/,
  );
  assert.equal(container.querySelectorAll('[role=alert]').length, 1);
});

test('Prometheus away for every panel: one banner, not seven', async () => {
  const api = fakeApi('viewer').on('GET', /\/monitoring\/query_range\?/, () =>
    problem(503, 'BERTH_ERR_UNAVAILABLE', "no answer through the cluster's API: ECONNREFUSED"),
  );
  const { container } = await renderSignedIn(
    <MonitoringPanel
      project="default"
      cluster={withMonitoring('Installed') as never}
      installable
    />,
    api,
    'viewer',
  );
  const alert = await waitFor(() => container.querySelector('.banner-bad'));
  assert.match(alert.textContent!, /no answer through the cluster's API: ECONNREFUSED/);
  assert.equal(container.querySelectorAll('[role=alert]').length, 1);
});

test('not installed: a member may install it (POST …/addons); a viewer is told who can', async () => {
  const api = fakeApi('member').on('POST', `${PATH}/addons`, () =>
    json(
      {
        addon: { name: 'monitoring', version: '0.85.0-berth.2' },
        operation: { id: 'op-3', phase: 'Pending', target: {} },
      },
      202,
    ),
  );
  const { container } = await renderSignedIn(
    <MonitoringPanel project="default" cluster={cluster('web') as never} installable />,
    api,
    'member',
  );
  assert.match(container.textContent!, /monitoring addon is not installed/);
  await click(button(container, 'Install monitoring'));
  await waitFor(() => container.textContent?.includes('operation op-3'));
  assert.deepEqual(api.seen.find((r) => r.method === 'POST')?.body, { name: 'monitoring' });
  assert.equal(button(container, 'Install monitoring'), undefined);
  await cleanup();

  const viewer = await renderSignedIn(
    <MonitoringPanel project="default" cluster={cluster('web') as never} installable />,
    fakeApi('viewer'),
    'viewer',
  );
  assert.match(viewer.container.textContent!, /A member of the project can install it/);
  assert.equal(button(viewer.container, 'Install monitoring'), undefined);
  await cleanup();

  const memory = await renderSignedIn(
    <MonitoringPanel project="default" cluster={cluster('web') as never} installable={false} />,
    fakeApi('member'),
    'member',
  );
  assert.match(memory.container.textContent!, /This server does not install it/);
  assert.equal(button(memory.container, 'Install monitoring'), undefined);
});

test('installing or failed: says so, asks Prometheus nothing', async () => {
  const api = prometheusApi();
  const installing = await renderSignedIn(
    <MonitoringPanel
      project="default"
      cluster={withMonitoring('Installing') as never}
      installable
    />,
    api,
  );
  assert.match(installing.container.textContent!, /being installed \(Installing: waiting\)/);
  await cleanup();
  const failed = await renderSignedIn(
    <MonitoringPanel project="default" cluster={withMonitoring('Failed') as never} installable />,
    api,
  );
  assert.match(failed.container.textContent!, /monitoring addon failed: Unschedulable waiting/);
  assert.equal(api.seen.filter((r) => r.path.includes('/monitoring/')).length, 0);
});

test('the cluster page offers the Monitoring tab only where the addon is or could be installed', async () => {
  const tabs = async (addons: unknown[], c: unknown) => {
    const events = new SseStream();
    const api = fakeApi('viewer')
      .on('GET', '/v1/addons', () => json({ items: addons }))
      .on('GET', PATH, () => json(c))
      .on('GET', `${PATH}/events`, () => events.response);
    const { container } = await renderSignedIn(
      <ClusterPage project="default" name="web" tab="overview" />,
      api,
      'viewer',
    );
    await waitFor(() => container.querySelector('[data-phase="Running"]'));
    await waitFor(() => api.seen.some((r) => r.path === '/v1/addons'));
    const names = [...container.querySelectorAll('nav.tabs a')].map((a) => a.textContent);
    events.end();
    await cleanup();
    return names.includes('Monitoring');
  };
  const item = {
    name: 'monitoring',
    description: 'Prometheus',
    versions: ['0.85.0-berth.2'],
    defaultVersion: '0.85.0-berth.2',
  };
  assert.equal(await tabs([{ ...item, installable: false }], cluster('web')), false);
  assert.equal(await tabs([{ ...item, installable: true }], cluster('web')), true);
  assert.equal(await tabs([{ ...item, installable: false }], withMonitoring('Installed')), true);
});
