/**
 * Sign in with an API token. The token is checked against `/v1/whoami` and kept for this tab
 * only (see session.ts); it is typed into a password field and never put in a URL.
 */
import { useState } from 'react';
import { isApiError } from '@berth/client';
import { ErrorBanner, Field } from '../components/common.js';

export function SignInPage({ onSignIn }: { onSignIn: (token: string) => Promise<void> }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setError(undefined);
    setFailure(undefined);
    const t = token.trim();
    if (t === '') return setError('Paste an API token (berth_…).');
    setBusy(true);
    try {
      await onSignIn(t);
    } catch (err) {
      setBusy(false);
      if (isApiError(err) && err.status === 401)
        setError('This token is unknown, revoked or expired.');
      else setFailure(err);
    }
  };
  return (
    <main className="sign-in" id="main">
      <form
        className="panel form"
        aria-labelledby="sign-in-title"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h1 id="sign-in-title">Sign in to Berth</h1>
        <Field
          label="API token"
          error={error}
          help={
            <>
              A project token from your platform team, or the admin token <code>scripts/up</code>{' '}
              wrote to <code>~/.berth/admin-token</code>. It is kept for this tab only.
            </>
          }
        >
          {(p) => (
            <input
              {...p}
              name="token"
              type="password"
              autoComplete="off"
              spellCheck={false}
              autoFocus
              value={token}
              onChange={(e) => setToken(e.target.value)}
            />
          )}
        </Field>
        <ErrorBanner error={failure} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
