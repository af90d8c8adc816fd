/** The cluster page's tabs that read more than the cluster: node groups, nodes, infrastructure, events. */
import { useState } from 'react';
import type { Cluster, ClusterEvent, InfraObject, NodeGroup } from '@berth/api-types';
import { isApiError } from '@berth/client';
import { can, useSession } from '../lib/api.js';
import { age, formatLabels, formatTaints, parseLabels, parseTaints } from '../lib/format.js';
import {
  describeError,
  ErrorBanner,
  Field,
  Notice,
  PhaseBadge,
  useAsync,
  useNow,
} from '../components/common.js';
import { ConfirmDialog } from '../components/confirm.js';
import { VolumesTable } from './volumes-table.js';

function unavailable(err: unknown): boolean {
  return isApiError(err) && err.code === 'BERTH_ERR_NOT_IMPLEMENTED';
}

export function NodeGroupsPanel({
  project,
  cluster,
  revision,
}: {
  project: string;
  cluster: Cluster;
  revision: number;
}) {
  const { client, identity } = useSession();
  const name = cluster.metadata.name;
  const groups = useAsync(
    (signal) => client.nodeGroups.listAll(project, name, { signal }),
    [client, project, name, revision],
  );
  const [editing, setEditing] = useState<string>();
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<string>();
  const member = can(identity, 'member', project);
  return (
    <div>
      <div className="page-head">
        <h2>Node groups</h2>
        <div className="spacer" />
        {member ? (
          <button type="button" onClick={() => setAdding(true)} disabled={adding}>
            Add node group
          </button>
        ) : null}
      </div>
      <ErrorBanner error={groups.error} />
      {adding ? (
        <NodeGroupForm
          project={project}
          cluster={cluster}
          onDone={() => {
            setAdding(false);
            groups.reload();
          }}
        />
      ) : null}
      <table className="data" aria-label="Node groups">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Phase</th>
            <th scope="col">Version</th>
            <th scope="col">Ready / count</th>
            <th scope="col">Flavor</th>
            <th scope="col">Zone</th>
            <th scope="col">Autoscaling</th>
            <th scope="col">Labels</th>
            <th scope="col">Taints</th>
            {member ? <th scope="col">Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {(groups.data ?? []).map((g) => (
            <tr key={g.metadata.uid} data-group={g.metadata.name}>
              <th scope="row">{g.metadata.name}</th>
              <td>
                <PhaseBadge phase={g.status.phase} />
              </td>
              <td className="mono small">
                {g.status.version ?? '—'}
                {g.spec.version !== undefined && g.spec.version !== g.status.version
                  ? ` → ${g.spec.version}`
                  : ''}
              </td>
              <td className="num">
                {g.status.readyReplicas}/{g.spec.count}
              </td>
              <td>{g.spec.flavor}</td>
              <td>{g.spec.zone}</td>
              <td>
                <AutoscalingCell group={g} />
              </td>
              <td className="mono small">{formatLabels(g.spec.labels) || '—'}</td>
              <td className="mono small">{formatTaints(g.spec.taints) || '—'}</td>
              {member ? (
                <td className="row-actions">
                  <div>
                    <button
                      type="button"
                      onClick={() => setEditing(g.metadata.name)}
                      aria-label={`Edit ${g.metadata.name}`}
                    >
                      Edit
                    </button>
                    <button
                      type="button"
                      className="danger"
                      onClick={() => setDeleting(g.metadata.name)}
                      aria-label={`Delete ${g.metadata.name}`}
                    >
                      Delete
                    </button>
                  </div>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {editing ? (
        <NodeGroupEdit
          project={project}
          cluster={name}
          group={(groups.data ?? []).find((g) => g.metadata.name === editing)}
          onDone={() => {
            setEditing(undefined);
            groups.reload();
          }}
        />
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title={`Delete node group ${deleting}?`}
          confirmName={name}
          action="Delete node group"
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await client.nodeGroups.delete(project, name, deleting);
            groups.reload();
          }}
        >
          <p>
            Its nodes are drained and their servers deleted. Type the <em>cluster's</em> name to
            confirm.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

/**
 * The group's bounds and what the cluster autoscaler last did or reports: a backoff (its reason
 * in the title), the nodes it is removing, its last scale-up or scale-down.
 */
function AutoscalingCell({ group }: { group: NodeGroup }) {
  const { autoscaling } = group.spec;
  if (!autoscaling.enabled) return <>off</>;
  const view = group.status.autoscaler;
  const bounds = `${autoscaling.min}–${autoscaling.max}`;
  const last = [view?.lastScaleUp, view?.lastScaleDown]
    .filter((d) => d !== undefined)
    .sort((a, b) => b.time.localeCompare(a.time))[0];
  return (
    <>
      {bounds}
      {view?.backoff ? (
        <span className="badge badge-busy" title={view.backoff.errorMessage}>
          {' '}
          Backoff: {view.backoff.errorCode}
        </span>
      ) : null}
      {view && view.removing.length > 0 ? (
        <span className="small"> · removing {view.removing.join(', ')}</span>
      ) : last ? (
        <span className="small">
          {' '}
          · last {last.from}→{last.to}
        </span>
      ) : null}
    </>
  );
}

/** Scale, autoscaling, labels and taints of one group: a merge patch of what changed. */
function NodeGroupEdit({
  project,
  cluster,
  group,
  onDone,
}: {
  project: string;
  cluster: string;
  group: NodeGroup | undefined;
  onDone: () => void;
}) {
  const { client } = useSession();
  const [count, setCount] = useState(group?.spec.count ?? 0);
  const [auto, setAuto] = useState(group?.spec.autoscaling ?? { enabled: false, min: 1, max: 10 });
  const [labels, setLabels] = useState(formatLabels(group?.spec.labels ?? {}));
  const [taints, setTaints] = useState(formatTaints(group?.spec.taints ?? []));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  if (!group) return null;
  const name = group.metadata.name;
  const save = async () => {
    const spec: Record<string, unknown> = {};
    const local: Record<string, string> = {};
    if (count !== group.spec.count) spec.count = count;
    if (JSON.stringify(auto) !== JSON.stringify(group.spec.autoscaling)) spec.autoscaling = auto;
    try {
      const parsed = parseLabels(labels);
      if (formatLabels(parsed) !== formatLabels(group.spec.labels)) {
        // A merge patch: keys to drop are sent as null.
        const patch: Record<string, string | null> = { ...parsed };
        for (const k of Object.keys(group.spec.labels)) if (!(k in parsed)) patch[k] = null;
        spec.labels = patch;
      }
    } catch (err) {
      local.labels = (err as Error).message;
    }
    try {
      const parsed = parseTaints(taints);
      if (formatTaints(parsed) !== formatTaints(group.spec.taints)) spec.taints = parsed;
    } catch (err) {
      local.taints = (err as Error).message;
    }
    setErrors(local);
    setFailure(undefined);
    if (Object.keys(local).length > 0) return;
    if (Object.keys(spec).length === 0) return onDone();
    setBusy(true);
    try {
      await client.nodeGroups.patch(project, cluster, name, {
        metadata: { resourceVersion: group.metadata.resourceVersion },
        spec,
      });
      onDone();
    } catch (err) {
      setBusy(false);
      const field = isApiError(err)
        ? err.field?.replace(/^spec\./, '').split(/[.[]/)[0]
        : undefined;
      if (field && ['count', 'autoscaling', 'labels', 'taints'].includes(field))
        setErrors({ [field]: describeError(err) });
      else setFailure(err);
    }
  };
  return (
    <form
      className="panel form"
      aria-label={`Edit node group ${name}`}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h3>Edit {name}</h3>
      <div className="row3">
        <Field label="Nodes" path="spec.count" error={errors.count}>
          {(p) => (
            <input
              {...p}
              name="count"
              type="number"
              min={0}
              max={500}
              value={count}
              // While autoscaling is on, the cluster autoscaler owns the count (the API refuses it).
              disabled={group.spec.autoscaling.enabled && auto.enabled}
              title={
                group.spec.autoscaling.enabled && auto.enabled
                  ? 'The cluster autoscaler sets the count; change min/max or turn it off'
                  : undefined
              }
              onChange={(e) => setCount(Number(e.target.value))}
            />
          )}
        </Field>
        <fieldset className="field" data-field="spec.autoscaling">
          <legend>Autoscaling</legend>
          <label className="check">
            <input
              type="checkbox"
              checked={auto.enabled}
              onChange={(e) => setAuto({ ...auto, enabled: e.target.checked })}
            />{' '}
            enabled
          </label>
          <div className="inline">
            <label>
              min{' '}
              <input
                type="number"
                min={0}
                max={500}
                value={auto.min}
                onChange={(e) => setAuto({ ...auto, min: Number(e.target.value) })}
              />
            </label>
            <label>
              max{' '}
              <input
                type="number"
                min={0}
                max={500}
                value={auto.max}
                onChange={(e) => setAuto({ ...auto, max: Number(e.target.value) })}
              />
            </label>
          </div>
          {errors.autoscaling ? (
            <div className="field-error" role="alert">
              {errors.autoscaling}
            </div>
          ) : null}
        </fieldset>
      </div>
      <div className="row2">
        <Field
          label="Labels"
          path="spec.labels"
          error={errors.labels}
          help="key=value, comma-separated"
        >
          {(p) => (
            <input
              {...p}
              className="mono"
              value={labels}
              onChange={(e) => setLabels(e.target.value)}
            />
          )}
        </Field>
        <Field
          label="Taints"
          path="spec.taints"
          error={errors.taints}
          help="key=value:Effect, comma-separated"
        >
          {(p) => (
            <input
              {...p}
              className="mono"
              value={taints}
              onChange={(e) => setTaints(e.target.value)}
            />
          )}
        </Field>
      </div>
      <ErrorBanner error={failure} />
      <div className="actions">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}

function NodeGroupForm({
  project,
  cluster,
  onDone,
}: {
  project: string;
  cluster: Cluster;
  onDone: () => void;
}) {
  const { client } = useSession();
  const flavors = useAsync((signal) => client.catalog.flavors({ signal }), [client]);
  const [name, setName] = useState('');
  const [flavor, setFlavor] = useState('std-2-4');
  const [zone, setZone] = useState(cluster.spec.zones[0] ?? '');
  const [count, setCount] = useState(1);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setErrors({});
    setFailure(undefined);
    try {
      await client.nodeGroups.create(project, cluster.metadata.name, {
        metadata: { name },
        spec: { flavor, zone, count },
      });
      onDone();
    } catch (err) {
      setBusy(false);
      const field = isApiError(err) ? err.field : undefined;
      if (field === 'metadata.name' || field?.startsWith('spec.'))
        setErrors({
          [field === 'metadata.name' ? 'name' : field.slice(5).split(/[.[]/)[0]!]:
            describeError(err),
        });
      else setFailure(err);
    }
  };
  return (
    <form
      className="panel form"
      aria-label="New node group"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>New node group</h3>
      <div className="row3">
        <Field label="Group name" path="metadata.name" error={errors.name}>
          {(p) => (
            <input
              {...p}
              name="groupName"
              value={name}
              autoFocus
              spellCheck={false}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <Field label="Flavor" path="spec.flavor" error={errors.flavor}>
          {(p) => (
            <select {...p} value={flavor} onChange={(e) => setFlavor(e.target.value)}>
              {(flavors.data ?? [{ name: flavor }]).map((f) => (
                <option key={f.name}>{f.name}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Zone" path="spec.zone" error={errors.zone}>
          {(p) => (
            <select {...p} value={zone} onChange={(e) => setZone(e.target.value)}>
              {cluster.spec.zones.map((z) => (
                <option key={z}>{z}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Nodes" path="spec.count" error={errors.count}>
          {(p) => (
            <input
              {...p}
              type="number"
              min={0}
              max={500}
              value={count}
              onChange={(e) => setCount(Number(e.target.value))}
            />
          )}
        </Field>
      </div>
      <ErrorBanner error={failure} />
      <div className="actions">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy || name === ''}>
          {busy ? 'Adding…' : 'Add group'}
        </button>
      </div>
    </form>
  );
}

export function NodesPanel({
  project,
  cluster,
  revision,
}: {
  project: string;
  cluster: Cluster;
  revision: number;
}) {
  const { client } = useSession();
  const name = cluster.metadata.name;
  const nodes = useAsync(
    (signal) => client.nodes.listAll(project, name, { signal }),
    [client, project, name, revision],
  );
  const now = useNow();
  if (unavailable(nodes.error))
    return <Notice>The nodes view is not available on this server.</Notice>;
  return (
    <div>
      <h2>Nodes</h2>
      <ErrorBanner error={nodes.error} />
      <table className="data" aria-label="Nodes">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Group</th>
            <th scope="col">Zone</th>
            <th scope="col">Hypervisor</th>
            <th scope="col">Server</th>
            <th scope="col">Kubernetes</th>
            <th scope="col">Version</th>
            <th scope="col">Age</th>
          </tr>
        </thead>
        <tbody>
          {(nodes.data ?? []).map((n) => (
            <tr key={n.serverId}>
              <th scope="row" className="mono">
                {n.name}
              </th>
              <td>{n.role}</td>
              <td>{n.nodeGroup ?? '—'}</td>
              <td>{n.zone}</td>
              <td>{n.hypervisor ?? '—'}</td>
              <td>{n.serverStatus}</td>
              <td>
                {n.kubernetes
                  ? n.kubernetes.ready === 'True'
                    ? 'Ready'
                    : `NotReady (${n.kubernetes.ready})`
                  : '—'}
              </td>
              <td>{n.kubernetes?.version ?? '—'}</td>
              <td>{age(n.createdAt, now)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {nodes.data?.length === 0 ? <p className="muted">No machines yet.</p> : null}
    </div>
  );
}

export function InfraPanel({
  project,
  cluster,
  revision,
}: {
  project: string;
  cluster: Cluster;
  revision: number;
}) {
  const { client } = useSession();
  const name = cluster.metadata.name;
  const infra = useAsync(
    async (signal) => {
      const [lbs, fips, volumes] = await Promise.all([
        client.infra.listAll(project, 'loadbalancers', { signal }),
        client.infra.listAll(project, 'floatingips', { signal }),
        client.infra.listAllVolumes(project, { cluster: name, signal }),
      ]);
      const mine = (o: InfraObject) => o.cluster === name;
      return { lbs: lbs.filter(mine), fips: fips.filter(mine), volumes };
    },
    [client, project, name, revision],
  );
  if (unavailable(infra.error))
    return <Notice>The infrastructure views are not available on this server.</Notice>;
  return (
    <div>
      <ErrorBanner error={infra.error} />
      <div className="grid2">
        <InfraTable
          title="Load balancers"
          items={infra.data?.lbs ?? []}
          attrs={['vipAddress', 'topology', 'operatingStatus']}
        />
        <InfraTable
          title="Floating IPs"
          items={infra.data?.fips ?? []}
          attrs={['address', 'fixedIp']}
        />
      </div>
      <VolumesTable items={infra.data?.volumes ?? []} />
    </div>
  );
}

function InfraTable({
  title,
  items,
  attrs,
}: {
  title: string;
  items: InfraObject[];
  attrs: string[];
}) {
  return (
    <div>
      <h2>{title}</h2>
      {items.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <table className="data" aria-label={title}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              {attrs.map((a) => (
                <th scope="col" key={a}>
                  {a}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {items.map((o) => (
              <tr key={o.id}>
                <th scope="row" className="mono">
                  {o.name}
                </th>
                <td>{o.status}</td>
                {attrs.map((a) => (
                  <td key={a} className="mono">
                    {o.attributes[a] === undefined ? '—' : String(o.attributes[a])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function EventsPanel({ events }: { events: ClusterEvent[] }) {
  const now = useNow(5_000);
  const newest = events.slice(-300).reverse();
  return (
    <div>
      <h2>Events</h2>
      <p className="muted small">Live: new events appear at the top as they happen.</p>
      <ol className="events" aria-label="Events" aria-live="polite">
        {newest.map((e) => (
          <li key={e.id} className={e.type === 'Warning' ? 'warning' : ''}>
            <time dateTime={e.time} title={e.time}>
              {age(e.time, now)}
            </time>
            <span className="reason">{e.reason}</span>
            <span>{e.message}</span>
          </li>
        ))}
      </ol>
      {events.length === 0 ? <p className="muted">No events yet.</p> : null}
    </div>
  );
}
