/** The clusters of a project: one row each, kept current by the watch stream. */
import { memo, useMemo, useState } from 'react';
import type { Cluster } from '@berth/api-types';
import { can, useSession } from '../lib/api.js';
import { useClusterList } from '../lib/cluster-list.js';
import { age } from '../lib/format.js';
import { hrefs, Link } from '../lib/router.js';
import { ErrorBanner, PhaseBadge, useNow } from '../components/common.js';

export function ClustersPage({ project }: { project: string }) {
  const { client, identity } = useSession();
  const { clusters, loaded, live, error } = useClusterList(client, project);
  const [filter, setFilter] = useState('');
  const now = useNow(15_000);
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return f
      ? clusters.filter(
          (c) => c.metadata.name.includes(f) || c.status.phase.toLowerCase().includes(f),
        )
      : clusters;
  }, [clusters, filter]);
  return (
    <section aria-labelledby="clusters-title">
      <div className="page-head">
        <h1 id="clusters-title">Clusters</h1>
        <span className={`live ${live ? 'live-on' : ''}`} aria-live="polite">
          {live ? 'live' : loaded ? 'reconnecting…' : 'loading…'}
        </span>
        <div className="spacer" />
        <label className="sr-only" htmlFor="cluster-filter">
          Filter clusters
        </label>
        <input
          id="cluster-filter"
          type="search"
          placeholder="Filter by name or phase"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        {can(identity, 'member') ? (
          <Link className="button primary" to={hrefs.create(project)}>
            Create cluster
          </Link>
        ) : null}
      </div>
      <ErrorBanner error={error} />
      {loaded && clusters.length === 0 && !error ? (
        <p className="empty">
          No clusters in project <strong>{project}</strong> yet.
        </p>
      ) : null}
      {shown.length > 0 ? <ClusterTable clusters={shown} project={project} now={now} /> : null}
      <p className="muted small" aria-live="polite">
        {loaded ? `${shown.length} of ${clusters.length} clusters` : ''}
      </p>
    </section>
  );
}

function ClusterTable({
  clusters,
  project,
  now,
}: {
  clusters: Cluster[];
  project: string;
  now: number;
}) {
  return (
    <div className="table-wrap">
      <table className="data" aria-label="Clusters">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Phase</th>
            <th scope="col">Version</th>
            <th scope="col">Masters</th>
            <th scope="col">Nodes ready</th>
            <th scope="col">Endpoint</th>
            <th scope="col">Age</th>
          </tr>
        </thead>
        <tbody>
          {clusters.map((c) => (
            <ClusterRow key={c.metadata.uid} cluster={c} project={project} now={now} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

const ClusterRow = memo(function ClusterRow({
  cluster,
  project,
  now,
}: {
  cluster: Cluster;
  project: string;
  now: number;
}) {
  const { metadata, spec, status } = cluster;
  const nodes = status.nodes;
  return (
    <tr data-cluster={metadata.name}>
      <th scope="row">
        <Link to={hrefs.cluster(project, metadata.name)}>{metadata.name}</Link>
      </th>
      <td>
        <PhaseBadge phase={status.phase} />
      </td>
      <td>{status.version ?? spec.version}</td>
      <td className="num">{spec.controlPlane.count}</td>
      <td className="num">
        {nodes
          ? `${nodes.ready}/${nodes.total}`
          : `–/${spec.nodeGroups.reduce((n, g) => n + g.count, 0)}`}
      </td>
      <td className="mono">{status.apiEndpoint ?? '—'}</td>
      <td>
        <time dateTime={metadata.createdAt} title={metadata.createdAt}>
          {age(metadata.createdAt, now)}
        </time>
      </td>
    </tr>
  );
});
