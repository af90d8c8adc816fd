import '../testing/dom.js';
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeApi, json, problem } from '../testing/fake-api.js';
import { button, byLabel, cleanup, click, type, waitFor } from '../testing/render.js';
import { renderSignedIn } from '../testing/session.js';
import { CreateClusterPage } from './create.js';

afterEach(cleanup);

const accepted = (name: string) =>
  json(
    { cluster: { metadata: { name } }, operation: { id: 'op-1', phase: 'Pending', target: {} } },
    202,
  );

test('name → Create posts just the name, and the page shows the same request as JSON and CLI', async () => {
  const api = fakeApi().on('POST', '/v1/projects/default/clusters', (r) =>
    accepted((r.body as { metadata: { name: string } }).metadata.name),
  );
  const { container } = await renderSignedIn(<CreateClusterPage project="default" />, api);
  await waitFor(
    () => byLabel(container, 'Kubernetes version').querySelectorAll('option').length > 1,
  );
  assert.match(
    byLabel<HTMLSelectElement>(container, 'Kubernetes version').textContent ?? '',
    /1\.34 → 1\.34\.10/,
  );
  await type(byLabel(container, 'Name'), 'demo');
  assert.equal(
    container.querySelector('[data-testid=berth-command]')?.textContent,
    'berth cluster create demo --wait',
  );
  assert.deepEqual(
    JSON.parse(container.querySelector('[data-testid=json-body]')?.textContent ?? ''),
    {
      metadata: { name: 'demo' },
    },
  );
  assert.match(
    container.querySelector('[data-testid=terraform]')?.textContent ?? '',
    /resource "berth_kubernetes_cluster" "demo" \{\n  name = "demo"\n\}/,
  );
  await click(button(container, 'Create cluster'));
  await waitFor(() => api.seen.find((r) => r.method === 'POST'));
  const post = api.seen.find((r) => r.method === 'POST')!;
  assert.deepEqual(post.body, { metadata: { name: 'demo' } });
  assert.ok(post.headers['idempotency-key'], 'POSTs carry an idempotency key');
  assert.equal(post.headers.authorization, 'Bearer berth_test');
  await waitFor(() => window.location.pathname === '/projects/default/clusters/demo');
});

test("the API's field error appears next to that field, and goes when the field changes", async () => {
  const api = fakeApi().on('POST', '/v1/projects/default/clusters', () =>
    problem(
      400,
      'BERTH_ERR_VALIDATION',
      'spec.network.podsCidr must be an IPv4 CIDR like 10.0.0.0/16',
      'spec.network.podsCidr',
    ),
  );
  const { container } = await renderSignedIn(<CreateClusterPage project="default" />, api);
  await type(byLabel(container, 'Name'), 'bad');
  const pods = byLabel(container, 'Pods CIDR');
  await type(pods, '10.100.0.0/99');
  assert.deepEqual(
    JSON.parse(container.querySelector('[data-testid=json-body]')!.textContent!).spec,
    {
      network: { podsCidr: '10.100.0.0/99' },
    },
  );
  await click(button(container, 'Create cluster'));
  const error = await waitFor(() =>
    container.querySelector('[data-field="spec.network.podsCidr"] .field-error'),
  );
  assert.match(error.textContent ?? '', /must be an IPv4 CIDR/);
  assert.equal(pods.getAttribute('aria-invalid'), 'true');
  assert.ok(
    pods.getAttribute('aria-describedby')?.includes(error.id),
    'the error is tied to the field',
  );
  assert.equal(container.querySelectorAll('.field-error').length, 1, 'only that field');
  await type(pods, '10.100.0.0/16');
  assert.equal(container.querySelectorAll('.field-error').length, 0);
});

test('a node group error lands on that group; a 501 marks addons unavailable, not broken', async () => {
  let answer = problem(
    400,
    'BERTH_ERR_VALIDATION',
    'count must be at most 500',
    'spec.nodeGroups[1].count',
  );
  const api = fakeApi().on('POST', '/v1/projects/default/clusters', () => answer);
  const { container } = await renderSignedIn(<CreateClusterPage project="default" />, api);
  await waitFor(() => byText(container, 'monitoring'));
  await type(byLabel(container, 'Name'), 'groups');
  await click(button(container, 'Add node group'));
  await click(button(container, 'Create cluster'));
  const error = await waitFor(() =>
    container.querySelector('[data-field="spec.nodeGroups[1].count"] .field-error'),
  );
  assert.match(error.textContent ?? '', /at most 500/);
  assert.equal(
    container.querySelector('[data-field="spec.nodeGroups[0].count"] .field-error'),
    null,
  );

  answer = problem(
    501,
    'BERTH_ERR_NOT_IMPLEMENTED',
    'addons are not implemented yet',
    'spec.addons',
  );
  const monitoring = byText(container, 'monitoring')!.querySelector('input')!;
  await click(monitoring);
  await click(button(container, 'Create cluster'));
  await waitFor(() => byText(container, '.banner', /Addons are not available on this server/));
  assert.equal(
    container.querySelector('[data-field="spec.addons"]'),
    null,
    'the addon choices are gone',
  );
  assert.equal(container.querySelector('.banner-bad'), null, 'no failure banner');
  assert.equal(
    JSON.parse(container.querySelector('[data-testid=json-body]')!.textContent!).spec.addons,
    undefined,
  );
});

test('a 501 on autoscaling takes it out of every group and says the feature is unavailable', async () => {
  const posts: unknown[] = [];
  const api = fakeApi().on('POST', '/v1/projects/default/clusters', (r) => {
    posts.push(r.body);
    return posts.length === 1
      ? problem(
          501,
          'BERTH_ERR_NOT_IMPLEMENTED',
          'spec.nodeGroups[0].autoscaling.enabled: the cluster autoscaler is not implemented yet',
          'spec.nodeGroups[0].autoscaling.enabled',
        )
      : accepted('auto');
  });
  const { container } = await renderSignedIn(<CreateClusterPage project="default" />, api);
  await type(byLabel(container, 'Name'), 'auto');
  await click(byText(container, 'Let the autoscaler set the count')!.querySelector('input')!);
  await click(button(container, 'Create cluster'));
  await waitFor(() => byText(container, '.muted', /Not available on this server yet/));
  assert.equal(byText(container, 'Let the autoscaler set the count'), undefined);
  await click(button(container, 'Create cluster'));
  await waitFor(() => posts.length === 2);
  assert.deepEqual(posts[1], { metadata: { name: 'auto' } });
});

test('malformed labels are caught before sending; nothing is posted', async () => {
  const api = fakeApi();
  const { container } = await renderSignedIn(<CreateClusterPage project="default" />, api);
  await type(byLabel(container, 'Name'), 'x');
  await type(byLabel(container, 'Labels'), 'tier');
  const error = container.querySelector('[data-field="spec.nodeGroups[0].labels"] .field-error');
  assert.match(error?.textContent ?? '', /"tier" is not key=value/);
  await click(button(container, 'Create cluster'));
  assert.equal(api.seen.filter((r) => r.method === 'POST').length, 0);
});

function byText(root: ParentNode, text: string): HTMLElement | undefined;
function byText(root: ParentNode, selector: string, text: RegExp): HTMLElement | undefined;
function byText(root: ParentNode, a: string, b?: RegExp): HTMLElement | undefined {
  const [selector, match] = b ? [a, b] : ['label', new RegExp(`^${a}\\b`)];
  return [...root.querySelectorAll<HTMLElement>(selector)].find((el) =>
    match.test(el.textContent?.trim() ?? ''),
  );
}
