import './testing/dom.js';
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { App } from './app.js';
import type { TokenStore } from './lib/session.js';
import { fakeApi, json, SseStream } from './testing/fake-api.js';
import {
  button,
  byLabel,
  cleanup,
  click,
  render,
  submit,
  type,
  waitFor,
} from './testing/render.js';

afterEach(cleanup);

function memoryTokens(initial?: string): TokenStore & { value: string | undefined } {
  const store = {
    value: initial,
    get: () => store.value,
    set: (t: string) => void (store.value = t),
    clear: () => void (store.value = undefined),
  };
  return store;
}

function api(role: 'viewer' | 'admin') {
  return fakeApi(role)
    .on('GET', /^\/v1\/projects\/default\/clusters\?/, () =>
      json({ metadata: { resourceVersion: '1' }, items: [] }),
    )
    .on('GET', '/v1/projects/default/clusters', () => new SseStream().response);
}

test('signing in keeps the token for the tab only, never in the URL, and returns to the page asked for', async () => {
  window.history.replaceState(null, '', '/projects/default/clusters?view=1');
  const tokens = memoryTokens();
  const fake = api('viewer');
  const { container } = await render(
    <App tokens={tokens} fetch={fake.fetch} endpoint="http://console.test" />,
  );
  await waitFor(() => window.location.pathname === '/sign-in');
  const input = byLabel(container, 'API token');
  assert.equal(input.type, 'password');
  await type(input, 'berth_secret_1');
  await submit(input.form!);
  await waitFor(() => container.querySelector('#clusters-title'));
  assert.equal(
    window.location.pathname + window.location.search,
    '/projects/default/clusters?view=1',
  );
  assert.equal(tokens.value, 'berth_secret_1');
  assert.ok(!window.location.href.includes('berth_secret_1'));
  assert.ok(
    fake.seen.every((r) => !r.path.includes('berth_secret_1')),
    'never in a request URL',
  );
  assert.ok(fake.seen.every((r) => r.headers.authorization === 'Bearer berth_secret_1'));
  assert.match(container.querySelector('header')!.textContent!, /viewer-token · viewer/);
  assert.equal(byText(container, 'Tokens'), undefined, 'no admin pages for a viewer');
  await click(button(container, 'Sign out'));
  assert.equal(tokens.value, undefined);
  await waitFor(() => window.location.pathname === '/sign-in');
});

test('a rejected token is an error next to the field, and nothing is kept', async () => {
  window.history.replaceState(null, '', '/sign-in');
  const tokens = memoryTokens();
  const fake = fakeApi().on(
    'GET',
    '/v1/whoami',
    () =>
      new Response(
        JSON.stringify({ code: 'BERTH_ERR_UNAUTHENTICATED', status: 401, detail: 'unknown token' }),
        {
          status: 401,
          headers: { 'content-type': 'application/problem+json' },
        },
      ),
  );
  const { container } = await render(
    <App tokens={tokens} fetch={fake.fetch} endpoint="http://console.test" />,
  );
  const input = byLabel(container, 'API token');
  await type(input, 'berth_wrong');
  await submit(input.form!);
  const error = await waitFor(() => container.querySelector('.field-error'));
  assert.match(error.textContent!, /unknown, revoked or expired/);
  assert.equal(tokens.value, undefined);
});

test('a reload signs in again with the tab token; an admin sees the admin pages', async () => {
  window.history.replaceState(null, '', '/');
  const fake = api('admin');
  const { container } = await render(
    <App tokens={memoryTokens('berth_kept')} fetch={fake.fetch} endpoint="http://console.test" />,
  );
  await waitFor(() => window.location.pathname === '/projects/default/clusters');
  await waitFor(() => byText(container, 'Tokens'));
});

function byText(root: ParentNode, text: string): Element | undefined {
  return [...root.querySelectorAll('a, button')].find((el) => el.textContent?.trim() === text);
}
