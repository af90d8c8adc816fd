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

test('a directory user logs in with name and password and sees only their projects and role', async () => {
  window.history.replaceState(null, '', '/sign-in');
  const tokens = memoryTokens();
  const fake = fakeApi()
    .on('POST', '/v1/login', (r) => {
      const body = r.body as { username: string; password: string };
      return body.password === 'correct horse'
        ? json({
            token: 'berths_session_1',
            expiresAt: '2026-12-05T10:00:00Z',
            username: 'alice',
            groups: ['devs'],
          })
        : new Response(
            JSON.stringify({ code: 'BERTH_ERR_INVALID_CREDENTIALS', status: 401, detail: 'wrong' }),
            { status: 401, headers: { 'content-type': 'application/problem+json' } },
          );
    })
    .on('GET', '/v1/whoami', () =>
      json({
        id: 'ses-1',
        kind: 'user',
        name: 'alice',
        project: null,
        role: 'member',
        groups: ['devs'],
        roles: { 'team-a': 'member' },
      }),
    )
    .on('GET', /^\/v1\/projects(\?|$)/, () =>
      json({ metadata: {}, items: [{ metadata: { name: 'team-a' } }] }),
    )
    .on('GET', /^\/v1\/projects\/team-a\/clusters\?/, () =>
      json({ metadata: { resourceVersion: '1' }, items: [] }),
    )
    .on('GET', '/v1/projects/team-a/clusters', () => new SseStream().response);
  const { container } = await render(
    <App tokens={tokens} fetch={fake.fetch} endpoint="http://console.test" />,
  );
  const user = byLabel(container, 'User name');
  const password = byLabel(container, 'Password');
  assert.equal(password.type, 'password');
  await type(user, 'alice');
  await type(password, 'wrong');
  await submit(user.form!);
  const error = await waitFor(() => container.querySelector('.field-error'));
  assert.match(error.textContent!, /Wrong user name or password/);
  assert.equal(tokens.value, undefined);

  await type(password, 'correct horse');
  await submit(user.form!);
  await waitFor(() => window.location.pathname === '/projects/team-a/clusters');
  assert.equal(tokens.value, 'berths_session_1');
  const login = fake.seen.find((r) => r.path === '/v1/login')!;
  assert.equal(login.headers.authorization, undefined, 'no token sent to sign in');
  assert.match(container.querySelector('header')!.textContent!, /alice · member/);
  assert.equal(byText(container, 'Tokens'), undefined, 'a member manages no tokens');
  assert.equal(byText(container, 'Projects'), undefined, 'a user is never a platform admin');
  assert.ok(!window.location.href.includes('berths_session_1'));
  fake.on('POST', '/v1/logout', () => new Response(null, { status: 204 }));
  await click(button(container, 'Sign out'));
  await waitFor(() => fake.seen.some((r) => r.method === 'POST' && r.path === '/v1/logout'));
  const logout = fake.seen.find((r) => r.path === '/v1/logout')!;
  assert.equal(logout.headers.authorization, 'Bearer berths_session_1');
  assert.equal(tokens.value, undefined);
});
