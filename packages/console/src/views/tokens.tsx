/** A project's API tokens (admins): list, create (the secret is shown once), revoke. */
import { useState } from 'react';
import type { TokenRole, TokenWithSecret } from '@berth/api-types';
import { isApiError } from '@berth/client';
import { useSession } from '../lib/api.js';
import { age } from '../lib/format.js';
import { ErrorBanner, Field, Notice, useAsync, useNow } from '../components/common.js';
import { ConfirmDialog } from '../components/confirm.js';

export function TokensPage({ project }: { project: string }) {
  const { client } = useSession();
  const tokens = useAsync(
    (signal) => client.tokens.listAll(project, { signal }),
    [client, project],
  );
  const [name, setName] = useState('');
  const [role, setRole] = useState<TokenRole>('member');
  const [created, setCreated] = useState<TokenWithSecret>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>();
  const [revoking, setRevoking] = useState<{ id: string; name: string }>();
  const now = useNow();
  const create = async () => {
    setErrors({});
    setFailure(undefined);
    try {
      setCreated(await client.tokens.create(project, { name, role }));
      setName('');
      tokens.reload();
    } catch (err) {
      if (isApiError(err) && err.field) setErrors({ [err.field]: err.message });
      else setFailure(err);
    }
  };
  return (
    <section aria-labelledby="tokens-title">
      <div className="page-head">
        <h1 id="tokens-title">API tokens of {project}</h1>
      </div>
      <ErrorBanner error={tokens.error} />
      {created ? (
        <Notice>
          Token <strong>{created.name}</strong> created. Copy its secret now; it is not shown again:
          <pre className="code secret" data-testid="token-secret">
            {created.secret}
          </pre>
          <button type="button" onClick={() => void navigator.clipboard?.writeText(created.secret)}>
            Copy
          </button>{' '}
          <button type="button" onClick={() => setCreated(undefined)}>
            Done
          </button>
        </Notice>
      ) : null}
      <form
        className="panel form inline-form"
        aria-label="New token"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <Field label="Token name" path="name" error={errors.name}>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Role" path="role" error={errors.role}>
          {(p) => (
            <select {...p} value={role} onChange={(e) => setRole(e.target.value as TokenRole)}>
              <option value="viewer">viewer — reads</option>
              <option value="member">member — also changes clusters</option>
              <option value="admin">admin — also manages tokens</option>
            </select>
          )}
        </Field>
        <button type="submit" className="primary" disabled={name.trim() === ''}>
          Create token
        </button>
      </form>
      <ErrorBanner error={failure} />
      <table className="data" aria-label="Tokens">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Prefix</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {(tokens.data ?? []).map((t) => (
            <tr key={t.id}>
              <th scope="row">{t.name}</th>
              <td>{t.role}</td>
              <td className="mono">{t.prefix}…</td>
              <td>{age(t.createdAt, now)} ago</td>
              <td>{t.expiresAt ?? 'never'}</td>
              <td>
                <button
                  type="button"
                  className="danger"
                  onClick={() => setRevoking({ id: t.id, name: t.name })}
                >
                  Revoke
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {revoking ? (
        <ConfirmDialog
          title={`Revoke token ${revoking.name}?`}
          confirmName={revoking.name}
          action="Revoke token"
          onClose={() => setRevoking(undefined)}
          onConfirm={async () => {
            await client.tokens.revoke(project, revoking.id);
            tokens.reload();
          }}
        >
          <p>Anything using it is refused from now on.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
