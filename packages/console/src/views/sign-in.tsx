/**
 * Sign in with a directory account (user name and password, `POST /v1/login`) or an API token.
 * Either way the resulting bearer token is checked against `/v1/whoami` and kept for this tab
 * only (see session.ts); secrets are typed into password fields and never put in a URL.
 */
import { useState } from 'react';
import { isApiError } from '@berth/client';
import { ErrorBanner, Field } from '../components/common.js';

export function SignInPage({
  onSignIn,
  onLogin,
}: {
  onSignIn: (token: string) => Promise<void>;
  onLogin: (username: string, password: string) => Promise<void>;
}) {
  return (
    <main className="sign-in" id="main">
      <DirectoryForm onLogin={onLogin} />
      <TokenForm onSignIn={onSignIn} />
    </main>
  );
}

/** What a refused sign-in means to the person signing in. */
function loginError(err: unknown): string | undefined {
  if (!isApiError(err)) return undefined;
  if (err.status === 401) return 'Wrong user name or password.';
  if (err.status === 403) return 'This account is locked or disabled in the directory.';
  if (err.status === 429) return 'Too many failed attempts. Wait a few minutes, then try again.';
  if (err.status === 501) return 'This Berth has no user directory: sign in with an API token.';
  return undefined;
}

function DirectoryForm({ onLogin }: { onLogin: (u: string, p: string) => Promise<void> }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setError(undefined);
    setFailure(undefined);
    if (username.trim() === '' || password === '')
      return setError('Enter your user name and password.');
    setBusy(true);
    try {
      await onLogin(username.trim(), password);
    } catch (err) {
      setBusy(false);
      const known = loginError(err);
      if (known) setError(known);
      else setFailure(err);
    }
  };
  return (
    <form
      className="panel form"
      aria-labelledby="login-title"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h1 id="login-title">Sign in to Berth</h1>
      <Field label="User name">
        {(p) => (
          <input
            {...p}
            name="username"
            autoComplete="username"
            spellCheck={false}
            autoFocus
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        )}
      </Field>
      <Field
        label="Password"
        error={error}
        help="Your directory (LDAP / Active Directory) account."
      >
        {(p) => (
          <input
            {...p}
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        )}
      </Field>
      <ErrorBanner error={failure} />
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Logging in…' : 'Log in'}
      </button>
    </form>
  );
}

function TokenForm({ onSignIn }: { onSignIn: (token: string) => Promise<void> }) {
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
    <form
      className="panel form"
      aria-labelledby="sign-in-title"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2 id="sign-in-title">Or paste a token</h2>
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
  );
}
