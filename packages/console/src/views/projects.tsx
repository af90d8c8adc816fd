/** Projects (platform admins): list, create, delete (a project must have no clusters left). */
import { useState } from 'react';
import { isApiError } from '@berth/client';
import { useSession } from '../lib/api.js';
import { age } from '../lib/format.js';
import { hrefs, Link } from '../lib/router.js';
import { ErrorBanner, Field, useAsync, useNow } from '../components/common.js';
import { ConfirmDialog } from '../components/confirm.js';

export function ProjectsPage({ onChanged }: { onChanged: () => void }) {
  const { client } = useSession();
  const projects = useAsync((signal) => client.projects.listAll({ signal }), [client]);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>();
  const [deleting, setDeleting] = useState<string>();
  const now = useNow();
  const create = async () => {
    setErrors({});
    setFailure(undefined);
    try {
      await client.projects.create({ metadata: { name }, spec: { description } });
      setName('');
      setDescription('');
      projects.reload();
      onChanged();
    } catch (err) {
      if (isApiError(err) && err.field) setErrors({ [err.field]: err.message });
      else setFailure(err);
    }
  };
  return (
    <section aria-labelledby="projects-title">
      <div className="page-head">
        <h1 id="projects-title">Projects</h1>
      </div>
      <ErrorBanner error={projects.error} />
      <form
        className="panel form inline-form"
        aria-label="New project"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <Field label="Project name" path="metadata.name" error={errors['metadata.name']}>
          {(p) => (
            <input
              {...p}
              value={name}
              spellCheck={false}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <Field label="Description" path="spec.description" error={errors['spec.description']}>
          {(p) => (
            <input {...p} value={description} onChange={(e) => setDescription(e.target.value)} />
          )}
        </Field>
        <button type="submit" className="primary" disabled={name.trim() === ''}>
          Create project
        </button>
      </form>
      <ErrorBanner error={failure} />
      <table className="data" aria-label="Projects">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Description</th>
            <th scope="col">Created</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {(projects.data ?? []).map((p) => (
            <tr key={p.metadata.name}>
              <th scope="row">
                <Link to={hrefs.clusters(p.metadata.name)}>{p.metadata.name}</Link>
              </th>
              <td>{p.spec.description}</td>
              <td>{age(p.metadata.createdAt, now)} ago</td>
              <td className="row-actions">
                <div>
                  <Link to={hrefs.tokens(p.metadata.name)}>Tokens</Link>
                  <button
                    type="button"
                    className="danger"
                    onClick={() => setDeleting(p.metadata.name)}
                  >
                    Delete
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {deleting ? (
        <ConfirmDialog
          title={`Delete project ${deleting}?`}
          confirmName={deleting}
          action="Delete project"
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await client.projects.delete(deleting);
            projects.reload();
            onChanged();
          }}
        >
          <p>Only a project without clusters can be deleted; its tokens go with it.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
