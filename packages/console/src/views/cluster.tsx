/**
 * One cluster: a header with its state and actions, the running operation, and tabs (each its
 * own URL) for overview, node groups, nodes, infrastructure, events, charts and monitoring. Actions a
 * viewer may not take are not shown; the API refuses them anyway.
 */
import { useState } from 'react';
import type { Cluster } from '@berth/api-types';
import { can, roleIn, useSession } from '../lib/api.js';
import { useLiveCluster, type LiveCluster } from '../lib/cluster-live.js';
import { age } from '../lib/format.js';
import { CLUSTER_TABS, hrefs, Link, type ClusterTab } from '../lib/router.js';
import { upgradeTargets, type UpgradeTarget } from '../lib/versions.js';
import {
  ErrorBanner,
  Notice,
  PhaseBadge,
  ProgressBar,
  useAsync,
  useNow,
} from '../components/common.js';
import { ConfirmDialog } from '../components/confirm.js';
import { EventsPanel, InfraPanel, NodeGroupsPanel, NodesPanel } from './cluster-parts.js';
import { ChartsPanel } from './charts.js';
import { MONITORING, MonitoringPanel } from './monitoring.js';

const TAB_LABELS: Record<ClusterTab, string> = {
  overview: 'Overview',
  nodegroups: 'Node groups',
  nodes: 'Nodes',
  infrastructure: 'Infrastructure',
  events: 'Events',
  charts: 'Charts',
  monitoring: 'Monitoring',
};

export function ClusterPage({
  project,
  name,
  tab,
}: {
  project: string;
  name: string;
  tab: ClusterTab;
}) {
  const { client } = useSession();
  const live = useLiveCluster(client, project, name);
  const { cluster } = live;
  const addons = useAsync((signal) => client.catalog.addons({ signal }), [client]);
  const installable =
    addons.data?.some((a) => a.name === MONITORING && a.installable === true) ?? false;
  // Monitoring is offered where it is (being) installed or this server could install it.
  const tabs = CLUSTER_TABS.filter(
    (t) =>
      t !== 'monitoring' ||
      t === tab ||
      installable ||
      cluster?.spec.addons.some((a) => a.name === MONITORING),
  );
  if (live.gone)
    return (
      <section>
        <h1>{name}</h1>
        <Notice>
          Cluster <strong>{name}</strong> does not exist (any more) in project {project}.{' '}
          <Link to={hrefs.clusters(project)}>All clusters</Link>
        </Notice>
      </section>
    );
  return (
    <section aria-labelledby="cluster-title">
      <ClusterHeader project={project} name={name} live={live} />
      <ErrorBanner error={live.error} />
      <OperationBar live={live} />
      <nav className="tabs" aria-label="Cluster sections">
        {tabs.map((t) => (
          <Link
            key={t}
            to={hrefs.cluster(project, name, t)}
            aria-current={t === tab ? 'page' : undefined}
          >
            {TAB_LABELS[t]}
          </Link>
        ))}
      </nav>
      {!cluster ? (
        <p className="muted">Loading…</p>
      ) : tab === 'overview' ? (
        <Overview cluster={cluster} />
      ) : tab === 'nodegroups' ? (
        <NodeGroupsPanel project={project} cluster={cluster} revision={live.revision} />
      ) : tab === 'nodes' ? (
        <NodesPanel project={project} cluster={cluster} revision={live.revision} />
      ) : tab === 'infrastructure' ? (
        <InfraPanel project={project} cluster={cluster} revision={live.revision} />
      ) : tab === 'events' ? (
        <EventsPanel events={live.events} />
      ) : tab === 'monitoring' ? (
        <MonitoringPanel project={project} cluster={cluster} installable={installable} />
      ) : (
        <ChartsPanel project={project} cluster={cluster} events={live.events} />
      )}
    </section>
  );
}

function ClusterHeader({
  project,
  name,
  live,
}: {
  project: string;
  name: string;
  live: LiveCluster;
}) {
  const { cluster } = live;
  const now = useNow();
  return (
    <div className="page-head cluster-head">
      <div>
        <div className="crumbs">
          <Link to={hrefs.clusters(project)}>Clusters</Link> /
        </div>
        <h1 id="cluster-title">
          {name} {cluster ? <PhaseBadge phase={cluster.status.phase} /> : null}
        </h1>
        {cluster ? (
          <div className="facts">
            <span>Kubernetes {cluster.status.version ?? cluster.spec.version}</span>
            <span>
              {cluster.spec.controlPlane.count} master
              {cluster.spec.controlPlane.count > 1 ? 's' : ''}
            </span>
            <span>
              nodes{' '}
              {cluster.status.nodes
                ? `${cluster.status.nodes.ready}/${cluster.status.nodes.total}`
                : '—'}{' '}
              ready
            </span>
            <span className="mono">{cluster.status.apiEndpoint ?? 'no endpoint yet'}</span>
            <span>created {age(cluster.metadata.createdAt, now)} ago</span>
          </div>
        ) : null}
      </div>
      <div className="spacer" />
      {cluster ? (
        <ClusterActions project={project} cluster={cluster} onDone={live.refresh} />
      ) : null}
    </div>
  );
}

type Dialog = 'stop' | 'delete' | 'upgrade' | undefined;

function ClusterActions({
  project,
  cluster,
  onDone,
}: {
  project: string;
  cluster: Cluster;
  onDone: () => void;
}) {
  const { client, identity } = useSession();
  const [dialog, setDialog] = useState<Dialog>();
  const [error, setError] = useState<unknown>();
  const [downloading, setDownloading] = useState(false);
  const name = cluster.metadata.name;
  const phase = cluster.status.phase;
  const versions = useAsync((signal) => client.catalog.versions({ signal }), [client]);
  const download = async () => {
    setDownloading(true);
    setError(undefined);
    try {
      const yaml = await client.clusters.kubeconfig(project, name);
      const url = URL.createObjectURL(new Blob([yaml], { type: 'application/yaml' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `${name}.kubeconfig`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(err);
    } finally {
      setDownloading(false);
    }
  };
  if (!can(identity, 'member', project)) {
    const readOnly = (
      <span className="muted small">read-only ({roleIn(identity, project) ?? 'no role'})</span>
    );
    // A directory user's kubeconfig is their own (the cluster's RBAC decides): any role gets it.
    if (identity.kind !== 'user') return readOnly;
    return (
      <div className="cluster-actions">
        <div className="actions">
          <button type="button" onClick={() => void download()} disabled={downloading}>
            {downloading ? 'Downloading…' : 'Download kubeconfig'}
          </button>
          {readOnly}
        </div>
        <ErrorBanner error={error} />
      </div>
    );
  }
  const run = async (action: () => Promise<unknown>) => {
    setError(undefined);
    await action();
    onDone();
  };
  const targets = upgradeTargets(
    cluster.status.version ?? cluster.spec.version,
    versions.data ?? [],
  );
  const deleting = phase === 'Deleting';
  return (
    <div className="cluster-actions">
      <div className="actions">
        <button type="button" onClick={() => void download()} disabled={downloading || deleting}>
          {downloading ? 'Downloading…' : 'Download kubeconfig'}
        </button>
        {phase === 'Stopped' ? (
          <button
            type="button"
            onClick={() => void run(() => client.clusters.start(project, name)).catch(setError)}
          >
            Start
          </button>
        ) : (
          <button type="button" onClick={() => setDialog('stop')} disabled={phase !== 'Running'}>
            Stop
          </button>
        )}
        <button
          type="button"
          onClick={() => setDialog('upgrade')}
          disabled={phase !== 'Running' || targets.length === 0}
          title={targets.length === 0 ? 'No newer version is offered' : undefined}
        >
          Upgrade
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => setDialog('delete')}
          disabled={deleting}
        >
          Delete
        </button>
      </div>
      <ErrorBanner error={error} />
      {dialog === 'stop' ? (
        <ConfirmDialog
          title={`Stop ${name}?`}
          confirmName={name}
          action="Stop cluster"
          onClose={() => setDialog(undefined)}
          onConfirm={() => run(() => client.clusters.stop(project, name))}
        >
          <p>
            Every server of the cluster is powered off; its disks and configuration stay. Workloads
            stop until you start it again.
          </p>
        </ConfirmDialog>
      ) : null}
      {dialog === 'delete' ? (
        <ConfirmDialog
          title={`Delete ${name}?`}
          confirmName={name}
          action="Delete cluster"
          onClose={() => setDialog(undefined)}
          onConfirm={() => run(() => client.clusters.delete(project, name))}
        >
          <p>
            The cluster and everything Berth made for it (servers, load balancers, volumes,
            networks) are deleted. This cannot be undone.
          </p>
        </ConfirmDialog>
      ) : null}
      {dialog === 'upgrade' ? (
        <UpgradeDialog
          name={name}
          targets={targets}
          onClose={() => setDialog(undefined)}
          onUpgrade={(v) => run(() => client.clusters.upgrade(project, name, v))}
        />
      ) : null}
    </div>
  );
}

function UpgradeDialog({
  name,
  targets,
  onClose,
  onUpgrade,
}: {
  name: string;
  targets: UpgradeTarget[];
  onClose: () => void;
  onUpgrade: (version: string) => Promise<void>;
}) {
  const [version, setVersion] = useState(targets.at(-1)?.version ?? '');
  return (
    <ConfirmDialog
      title={`Upgrade ${name}`}
      confirmName={name}
      action={`Upgrade to ${version}`}
      onClose={onClose}
      onConfirm={() => onUpgrade(version)}
    >
      <label htmlFor="upgrade-version">Version</label>
      <select id="upgrade-version" value={version} onChange={(e) => setVersion(e.target.value)}>
        {targets.map((t) => (
          <option key={t.version} value={t.version}>
            {t.label}
          </option>
        ))}
      </select>
      <p>
        Masters, then node groups, are replaced one at a time; the API stays up with 3 or 5 masters.
      </p>
    </ConfirmDialog>
  );
}

function OperationBar({ live }: { live: LiveCluster }) {
  const op = live.operation;
  if (!op) return null;
  const finished = op.phase === 'Succeeded' || op.phase === 'Failed';
  return (
    <div
      className={`operation operation-${op.phase.toLowerCase()}`}
      aria-live="polite"
      data-operation={op.id}
    >
      <div className="operation-head">
        <strong>{op.kind}</strong> <span className="muted">{op.phase}</span>
        <span className="spacer" />
        <span className="num">{op.progress}%</span>
      </div>
      <ProgressBar value={op.progress} label={`${op.kind} progress`} />
      <div className="operation-step">{finished && op.error ? op.error.detail : op.message}</div>
    </div>
  );
}

function Overview({ cluster }: { cluster: Cluster }) {
  const now = useNow();
  const { spec, status } = cluster;
  return (
    <div className="grid2">
      <div>
        <h2>Conditions</h2>
        {status.conditions.length === 0 ? (
          <p className="muted">No conditions reported yet.</p>
        ) : (
          <table className="data" aria-label="Conditions">
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Reason</th>
                <th scope="col">Message</th>
                <th scope="col">Since</th>
              </tr>
            </thead>
            <tbody>
              {status.conditions.map((c) => (
                <tr key={c.type}>
                  <th scope="row">{c.type}</th>
                  <td>
                    <span
                      className={`badge badge-${c.status === 'True' ? 'ok' : c.status === 'False' ? 'busy' : 'idle'}`}
                    >
                      {c.status}
                    </span>
                  </td>
                  <td>{c.reason}</td>
                  <td>{c.message}</td>
                  <td>{age(c.lastTransitionTime, now)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {status.message ? <p className="muted">{status.message}</p> : null}
      </div>
      <div>
        <h2>Spec</h2>
        <dl className="spec">
          <dt>Zones</dt>
          <dd>{spec.zones.join(', ')}</dd>
          <dt>Master flavor</dt>
          <dd>{spec.controlPlane.flavor}</dd>
          <dt>Subnet / pods / services</dt>
          <dd className="mono">
            {spec.network.subnetCidr} · {spec.network.podsCidr} · {spec.network.servicesCidr}
          </dd>
          <dt>API access</dt>
          <dd>
            {spec.apiAccess.public ? 'public' : 'private'}
            {spec.apiAccess.allowedCidrs.length
              ? `, from ${spec.apiAccess.allowedCidrs.join(', ')}`
              : ', from anywhere'}
          </dd>
          <dt>Addons</dt>
          <dd>
            {spec.addons.length
              ? spec.addons
                  .map((a) => {
                    const found = status.addons?.find((s) => s.name === a.name);
                    return found ? `${a.name} (${found.phase})` : a.name;
                  })
                  .join(', ')
              : 'none'}
          </dd>
          <dt>Generation</dt>
          <dd>
            {cluster.metadata.generation} (observed {status.observedGeneration})
          </dd>
        </dl>
      </div>
    </div>
  );
}
