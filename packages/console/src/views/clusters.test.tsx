import '../testing/dom.js';
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { cluster, fakeApi, json, SseStream } from '../testing/fake-api.js';
import { cleanup, waitFor } from '../testing/render.js';
import { renderSignedIn } from '../testing/session.js';
import { ClustersPage } from './clusters.js';

afterEach(cleanup);

const phaseOf = (root: HTMLElement, name: string) =>
  root.querySelector(`tr[data-cluster="${name}"] [data-phase]`)?.textContent;

test('the list shows each cluster and follows the watch stream from the list version', async () => {
  const stream = new SseStream();
  const api = fakeApi('viewer')
    .on('GET', /^\/v1\/projects\/default\/clusters\?/, () =>
      json({
        metadata: { resourceVersion: '41' },
        items: [cluster('alpha', 'Provisioning', { ready: 0, total: 3 }), cluster('beta')],
      }),
    )
    .on('GET', '/v1/projects/default/clusters', () => stream.response);
  const { container } = await renderSignedIn(<ClustersPage project="default" />, api, 'viewer');
  await waitFor(() => phaseOf(container, 'alpha'));
  const row = container.querySelector('tr[data-cluster="alpha"]')!;
  assert.deepEqual(
    [...row.querySelectorAll('th, td')].map((c) => c.textContent),
    ['alpha', 'Provisioning', '1.34.10', '1', '0/3', 'https://198.51.100.5:6443', '2m'],
  );
  assert.ok(row.querySelector('.badge-busy'), 'a changing phase is coloured busy');
  assert.ok(container.querySelector('tr[data-cluster="beta"] .badge-ok'));
  assert.equal(container.querySelector('a.button'), null, 'a viewer is not offered Create');
  const watch = await waitFor(() => api.seen.find((r) => r.headers.accept === 'text/event-stream'));
  assert.equal(watch.headers['last-event-id'], '41');

  stream.send(42, { type: 'upsert', cluster: cluster('alpha', 'Running', { ready: 3, total: 3 }) });
  await waitFor(() => phaseOf(container, 'alpha') === 'Running');
  assert.match(container.querySelector('tr[data-cluster="alpha"]')!.textContent!, /3\/3/);
  stream.send(43, { type: 'upsert', cluster: cluster('gamma', 'Provisioning') });
  stream.send(44, { type: 'delete', name: 'beta', uid: 'uid-beta' });
  await waitFor(() => phaseOf(container, 'gamma') && !phaseOf(container, 'beta'));
  assert.deepEqual(
    [...container.querySelectorAll('tr[data-cluster]')].map((r) => r.getAttribute('data-cluster')),
    ['alpha', 'gamma'],
  );
  stream.end();
});

test('a member is offered Create; an empty project says so', async () => {
  const api = fakeApi('member')
    .on('GET', /^\/v1\/projects\/default\/clusters\?/, () =>
      json({ metadata: { resourceVersion: '1' }, items: [] }),
    )
    .on('GET', '/v1/projects/default/clusters', () => new SseStream().response);
  const { container } = await renderSignedIn(<ClustersPage project="default" />, api, 'member');
  await waitFor(() => container.querySelector('.empty'));
  assert.equal(container.querySelector('a.button')?.textContent, 'Create cluster');
  assert.equal(
    container.querySelector('a.button')?.getAttribute('href'),
    '/projects/default/create',
  );
});
