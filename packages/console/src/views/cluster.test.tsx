import '../testing/dom.js';
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { cluster, fakeApi, json, SseStream, type FakeApi } from '../testing/fake-api.js';
import { button, byLabel, cleanup, click, render, type, waitFor } from '../testing/render.js';
import { SessionContext } from '../lib/api.js';
import { renderSignedIn, sessionFor } from '../testing/session.js';
import { ClusterPage } from './cluster.js';

afterEach(cleanup);

const PATH = '/v1/projects/default/clusters/web';

function clusterApi(role: 'viewer' | 'member', events: SseStream): FakeApi {
  return fakeApi(role)
    .on('GET', PATH, () => json(cluster('web', 'Running')))
    .on('GET', `${PATH}/events`, () => events.response)
    .on('GET', '/v1/operations/op-7', () =>
      json({
        id: 'op-7',
        kind: 'ClusterUpdate',
        phase: 'Running',
        progress: 60,
        message: 'masters: 1/3 ready',
        target: {},
        createdAt: '',
        updatedAt: '',
      }),
    );
}

test('a viewer sees the cluster, its conditions and the running operation, but no actions', async () => {
  const events = new SseStream();
  const api = clusterApi('viewer', events);
  const { container } = await renderSignedIn(
    <ClusterPage project="default" name="web" tab="overview" />,
    api,
    'viewer',
  );
  await waitFor(() => container.querySelector('[data-phase="Running"]'));
  assert.match(container.textContent ?? '', /read-only \(viewer\)/);
  for (const name of ['Delete', 'Stop', 'Upgrade', 'Download kubeconfig'])
    assert.equal(button(container, name), undefined, name);
  events.send(5, {
    id: 5,
    project: 'default',
    cluster: 'web',
    type: 'Normal',
    reason: 'UpdateRequested',
    message: 'spec changed',
    time: new Date().toISOString(),
    operation: 'op-7',
  });
  const bar = await waitFor(() => container.querySelector('[role=progressbar]'));
  assert.equal(bar.getAttribute('aria-valuenow'), '60');
  assert.match(
    container.querySelector('.operation')!.textContent!,
    /ClusterUpdate.*masters: 1\/3 ready/,
  );
  events.end();
});

test("deleting needs the cluster's name typed; then the DELETE is sent", async () => {
  const events = new SseStream();
  const api = clusterApi('member', events).on('DELETE', PATH, () =>
    json(
      {
        cluster: cluster('web', 'Deleting'),
        operation: { id: 'op-9', phase: 'Pending', target: {} },
      },
      202,
    ),
  );
  const { container } = await renderSignedIn(
    <ClusterPage project="default" name="web" tab="overview" />,
    api,
    'member',
  );
  await waitFor(() => button(container, 'Delete'));
  await click(button(container, 'Delete'));
  const dialog = await waitFor(() => container.querySelector<HTMLElement>('[role=dialog]'));
  const confirm = button(dialog, 'Delete cluster')!;
  assert.equal(confirm.disabled, true);
  await type(byLabel(dialog, 'Type web to confirm'), 'we');
  assert.equal(confirm.disabled, true, 'a prefix is not enough');
  await type(byLabel(dialog, 'Type web to confirm'), 'web');
  assert.equal(confirm.disabled, false);
  assert.equal(api.seen.filter((r) => r.method === 'DELETE').length, 0);
  await click(confirm);
  await waitFor(() => api.seen.find((r) => r.method === 'DELETE' && r.path === PATH));
  await waitFor(() => !container.querySelector('[role=dialog]'));
  events.end();
});

test('a refused action shows the API detail in the dialog and keeps it open', async () => {
  const events = new SseStream();
  const api = clusterApi('member', events).on(
    'POST',
    `${PATH}:stop`,
    () =>
      new Response(
        JSON.stringify({
          code: 'BERTH_ERR_INVALID_STATE',
          status: 409,
          detail: 'cluster web is Upgrading; stop needs Running',
        }),
        {
          status: 409,
          headers: { 'content-type': 'application/problem+json' },
        },
      ),
  );
  const { container } = await renderSignedIn(
    <ClusterPage project="default" name="web" tab="overview" />,
    api,
    'member',
  );
  await waitFor(() => button(container, 'Stop'));
  await click(button(container, 'Stop'));
  const dialog = await waitFor(() => container.querySelector<HTMLElement>('[role=dialog]'));
  await type(byLabel(dialog, 'Type web to confirm'), 'web');
  await click(button(dialog, 'Stop cluster'));
  await waitFor(() =>
    dialog.querySelector('[role=alert]')?.textContent?.includes('stop needs Running'),
  );
  assert.ok(container.querySelector('[role=dialog]'));
  events.end();
});

test('node groups: edit sends a conditional merge patch of what changed; add and delete a group', async () => {
  const events = new SseStream();
  const group = {
    apiVersion: 'berth.dev/v1',
    kind: 'NodeGroup',
    metadata: {
      name: 'default',
      project: 'default',
      cluster: 'web',
      uid: 'ng-1',
      generation: 1,
      resourceVersion: '7',
      labels: {},
      createdAt: new Date().toISOString(),
    },
    spec: {
      flavor: 'std-2-4',
      zone: 'az1',
      count: 3,
      autoscaling: { enabled: false, min: 1, max: 10 },
      labels: { tier: 'web' },
      taints: [],
      maxUnavailable: '25%',
      volume: { type: 'ssd', sizeGb: 20 },
    },
    status: {
      phase: 'Running',
      replicas: 3,
      readyReplicas: 3,
      conditions: [],
      observedGeneration: 1,
    },
  };
  const op = { operation: { id: 'op-2', phase: 'Pending', target: {} } };
  const api = clusterApi('member', events)
    .on('GET', /^\/v1\/projects\/default\/clusters\/web\/nodegroups(\?|$)/, () =>
      json({ metadata: {}, items: [group] }),
    )
    .on('PATCH', `${PATH}/nodegroups/default`, () => json({ nodeGroup: group, ...op }, 202))
    .on('POST', `${PATH}/nodegroups`, () => json({ nodeGroup: group, ...op }, 202))
    .on('DELETE', `${PATH}/nodegroups/default`, () => json({ nodeGroup: group, ...op }, 202));
  const { container } = await renderSignedIn(
    <ClusterPage project="default" name="web" tab="nodegroups" />,
    api,
    'member',
  );
  await waitFor(() => container.querySelector('tr[data-group="default"]'));

  await click(button(container, 'Edit'));
  const form = await waitFor(() =>
    container.querySelector<HTMLFormElement>('form[aria-label="Edit node group default"]'),
  );
  await type(byLabel(form, 'Nodes'), '5');
  await type(byLabel(form, 'Labels'), 'team=a');
  await click(button(form, 'Save'));
  const patch = await waitFor(() => api.seen.find((r) => r.method === 'PATCH'));
  assert.deepEqual(patch.body, {
    metadata: { resourceVersion: '7' },
    spec: { count: 5, labels: { team: 'a', tier: null } },
  });
  assert.equal(patch.headers['content-type'], 'application/merge-patch+json');

  await click(button(container, 'Add node group'));
  const add = await waitFor(() =>
    container.querySelector<HTMLFormElement>('form[aria-label="New node group"]'),
  );
  await type(byLabel(add, 'Group name'), 'batch');
  await click(button(add, 'Add group'));
  const post = await waitFor(() => api.seen.find((r) => r.method === 'POST'));
  assert.deepEqual(post.body, {
    metadata: { name: 'batch' },
    spec: { flavor: 'std-2-4', zone: 'az1', count: 1 },
  });

  await click(
    container.querySelector<HTMLButtonElement>('tr[data-group="default"] button.danger')!,
  );
  const dialog = await waitFor(() => container.querySelector<HTMLElement>('[role=dialog]'));
  await type(byLabel(dialog, 'Type web to confirm'), 'web');
  await click(button(dialog, 'Delete node group'));
  await waitFor(() => api.seen.find((r) => r.method === 'DELETE'));
  events.end();
});

test('an autoscaled group shows its bounds, the backoff and its owned count', async () => {
  const events = new SseStream();
  const group = {
    apiVersion: 'berth.dev/v1',
    kind: 'NodeGroup',
    metadata: {
      name: 'flood',
      project: 'default',
      cluster: 'web',
      uid: 'ng-2',
      generation: 3,
      resourceVersion: '9',
      labels: {},
      createdAt: new Date().toISOString(),
    },
    spec: {
      flavor: 'std-2-4',
      zone: 'az1',
      count: 9,
      autoscaling: { enabled: true, min: 0, max: 20 },
      labels: {},
      taints: [],
      maxUnavailable: '25%',
      volume: { type: 'ssd', sizeGb: 20 },
    },
    status: {
      phase: 'Running',
      replicas: 9,
      readyReplicas: 9,
      conditions: [],
      observedGeneration: 3,
      autoscaler: {
        targetSize: 9,
        removing: [],
        lastScaleUp: { time: '2026-12-05T01:39:51.089Z', from: 16, to: 20 },
        lastScaleDown: { time: '2026-12-05T01:40:01.305Z', from: 20, to: 9, nodes: [] },
        scaleUp: 'Backoff',
        backoff: {
          errorCode: 'ProviderQuota',
          errorMessage: 'subnet 10.0.0.0/28 has no free address',
        },
      },
    },
  };
  const api = clusterApi('member', events).on(
    'GET',
    /^\/v1\/projects\/default\/clusters\/web\/nodegroups(\?|$)/,
    () => json({ metadata: {}, items: [group] }),
  );
  const { container } = await renderSignedIn(
    <ClusterPage project="default" name="web" tab="nodegroups" />,
    api,
    'member',
  );
  const row = await waitFor(() => container.querySelector<HTMLElement>('tr[data-group="flood"]'));
  assert.match(row.textContent ?? '', /0–20 Backoff: ProviderQuota · last 20→9/);
  assert.equal(
    row.querySelector('[title]')?.getAttribute('title'),
    'subnet 10.0.0.0/28 has no free address',
  );
  await click(button(container, 'Edit'));
  const form = await waitFor(() =>
    container.querySelector<HTMLFormElement>('form[aria-label="Edit node group flood"]'),
  );
  assert.equal(byLabel(form, 'Nodes').disabled, true, 'the autoscaler owns the count');
  events.end();
});

test('a directory user who is a viewer may still download their own kubeconfig, and nothing else', async () => {
  const events = new SseStream();
  const api = clusterApi('viewer', events).on(
    'GET',
    `${PATH}/kubeconfig`,
    () =>
      new Response('apiVersion: v1\nkind: Config\n', {
        headers: { 'content-type': 'application/yaml' },
      }),
  );
  const session = {
    ...sessionFor(api, 'viewer'),
    identity: {
      id: 'ses-1',
      kind: 'user' as const,
      name: 'alice',
      project: null,
      role: 'admin' as const,
      groups: ['devs'],
      roles: { default: 'viewer' as const, other: 'admin' as const },
    },
  };
  const { container } = await render(
    <SessionContext.Provider value={session}>
      <ClusterPage project="default" name="web" tab="overview" />
    </SessionContext.Provider>,
  );
  await waitFor(() => container.querySelector('[data-phase="Running"]'));
  assert.match(container.textContent ?? '', /read-only \(viewer\)/, 'the role in this project');
  for (const name of ['Delete', 'Stop', 'Upgrade'])
    assert.equal(button(container, name), undefined, name);
  URL.createObjectURL ??= () => 'blob:x';
  URL.revokeObjectURL ??= () => undefined;
  await click(button(container, 'Download kubeconfig')!);
  await waitFor(() => api.seen.some((r) => r.path === `${PATH}/kubeconfig`));
  events.end();
});

test("the infrastructure tab lists the cluster's volumes with their claim, node and state", async () => {
  const events = new SseStream();
  const volume = {
    id: 'vol-1',
    kind: 'volumes',
    name: 'pvc-0d4c',
    project: 'default',
    cluster: 'web',
    status: 'in-use',
    attributes: {},
    purpose: 'persistent-volume',
    state: 'in-use',
    volumeType: 'hdd',
    sizeGb: 2,
    zone: 'az1',
    pvc: { namespace: 'shop', name: 'data-db-0' },
    persistentVolume: 'pvc-0d4c',
    node: { name: 'web-a-x7k2p', serverId: 'srv-1', device: '/dev/vdc' },
  };
  const api = clusterApi('viewer', events)
    .on('GET', '/v1/projects/default/loadbalancers', () => json({ metadata: {}, items: [] }))
    .on('GET', '/v1/projects/default/floatingips', () => json({ metadata: {}, items: [] }))
    .on('GET', '/v1/projects/default/volumes?cluster=web', () =>
      json({ metadata: {}, items: [volume] }),
    );
  const { container } = await renderSignedIn(
    <ClusterPage project="default" name="web" tab="infrastructure" />,
    api,
    'viewer',
  );
  const table = await waitFor(() => container.querySelector('table[aria-label="Volumes"]'));
  const cells = [...table.querySelectorAll('tbody tr > *')].map((c) => c.textContent);
  assert.deepEqual(cells, [
    'pvc-0d4c',
    'PersistentVolume',
    'in-use',
    'hdd',
    '2 GiB',
    'az1',
    'shop/data-db-0',
    'web-a-x7k2p (/dev/vdc)',
  ]);
  events.end();
});
