/** Renders a view inside a signed-in session whose client talks to a FakeApi. */
import type { ReactElement } from 'react';
import { clientFor, SessionContext, type Session } from '../lib/api.js';
import type { FakeApi } from './fake-api.js';
import { render, type Mounted } from './render.js';

export function sessionFor(api: FakeApi, role: 'viewer' | 'member' | 'admin'): Session {
  return {
    client: clientFor('berth_test', api.fetch, 'http://console.test'),
    identity: { id: 'tok-1', kind: 'token', name: `${role}-token`, project: 'default', role },
    projects: ['default'],
    signOut: () => undefined,
  };
}

export function renderSignedIn(
  element: ReactElement,
  api: FakeApi,
  role: 'viewer' | 'member' | 'admin' = 'member',
): Promise<Mounted> {
  return render(
    <SessionContext.Provider value={sessionFor(api, role)}>{element}</SessionContext.Provider>,
  );
}
