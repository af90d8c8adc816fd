import '../testing/dom.js';
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeApi, json } from '../testing/fake-api.js';
import { button, byLabel, cleanup, click, type, waitFor } from '../testing/render.js';
import { renderSignedIn } from '../testing/session.js';
import { TokensPage } from './tokens.js';

afterEach(cleanup);

const token = (id: string, name: string, role: string) => ({
  id,
  name,
  project: 'default',
  role,
  prefix: 'berth_ab12',
  createdAt: new Date().toISOString(),
});

test('an admin creates a token and sees its secret once; revoking needs its name typed', async () => {
  const items = [token('tok-1', 'ci', 'member')];
  const api = fakeApi('admin')
    .on('GET', /^\/v1\/projects\/default\/tokens/, () => json({ metadata: {}, items }))
    .on('POST', '/v1/projects/default/tokens', (r) => {
      const body = r.body as { name: string; role: string };
      items.push(token('tok-2', body.name, body.role));
      return json({ ...token('tok-2', body.name, body.role), secret: 'berth_shown_once' }, 201);
    })
    .on('DELETE', '/v1/projects/default/tokens/tok-1', () => new Response(null, { status: 204 }));
  const { container } = await renderSignedIn(<TokensPage project="default" />, api, 'admin');
  await waitFor(() => container.querySelector('table[aria-label="Tokens"] tbody tr'));
  await type(byLabel(container, 'Token name'), 'dashboards');
  await type(byLabel<HTMLSelectElement>(container, 'Role'), 'viewer');
  await click(button(container, 'Create token'));
  const secret = await waitFor(() => container.querySelector('[data-testid=token-secret]'));
  assert.equal(secret.textContent, 'berth_shown_once');
  assert.deepEqual(api.seen.find((r) => r.method === 'POST')?.body, {
    name: 'dashboards',
    role: 'viewer',
  });
  await waitFor(
    () => container.querySelectorAll('table[aria-label="Tokens"] tbody tr').length === 2,
  );
  await click(button(container, 'Done'));
  assert.equal(container.querySelector('[data-testid=token-secret]'), null, 'gone once dismissed');

  await click(
    container.querySelector<HTMLButtonElement>('table[aria-label="Tokens"] tbody tr button')!,
  );
  const dialog = await waitFor(() => container.querySelector<HTMLElement>('[role=dialog]'));
  assert.equal(button(dialog, 'Revoke token')!.disabled, true);
  await type(byLabel(dialog, 'Type ci to confirm'), 'ci');
  await click(button(dialog, 'Revoke token'));
  await waitFor(() => api.seen.find((r) => r.method === 'DELETE'));
});
