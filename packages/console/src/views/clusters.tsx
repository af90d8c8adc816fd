/** The clusters of a project: one row each, kept current by the watch stream. */
import { memo, useEffect, useMemo, useState, type MouseEvent } from 'react';
import type { Cluster } from '@berth/api-types';
import { can, useSession } from '../lib/api.js';
import { useClusterList } from '../lib/cluster-list.js';
import { age, phaseTone } from '../lib/format.js';
import { hrefs, Link, navigate } from '../lib/router.js';
import { ErrorBanner, useNow } from '../components/common.js';

export function ClustersPage({ project }: { project: string }) {
  const { client, identity, prefetched } = useSession();
  const { clusters, loaded, live, error } = useClusterList(client, project, prefetched);
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
        {can(identity, 'member', project) ? (
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

const FIRST_ROWS = 100;
const MORE_ROWS = 150;

/**
 * How many rows to render: a first screenful at once, then the rest in slices between which
 * the browser handles input — so a long list never blocks typing or scrolling for long.
 */
function useProgressive(total: number): number {
  const [shown, setShown] = useState(FIRST_ROWS);
  useEffect(() => {
    if (shown >= total) return;
    const timer = setTimeout(() => setShown((n) => n + MORE_ROWS), 0);
    return () => clearTimeout(timer);
  }, [shown, total]);
  return shown;
}

/**
 * A thousand rows must render fast: rows are plain elements (no per-row handlers); one click
 * handler on the table turns a plain left click on a name into an in-app navigation.
 */
function ClusterTable({
  clusters,
  project,
  now,
}: {
  clusters: Cluster[];
  project: string;
  now: number;
}) {
  const shown = useProgressive(clusters.length);
  const onClick = (e: MouseEvent<HTMLTableElement>) => {
    const a = (e.target as HTMLElement).closest('a');
    if (!a || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(a.getAttribute('href') ?? '/');
  };
  return (
    <div className="table-wrap">
      <table className="data clusters" aria-label="Clusters" onClick={onClick}>
        <colgroup>
          <col className="c-name" />
          <col className="c-phase" />
          <col className="c-version" />
          <col className="c-masters" />
          <col className="c-nodes" />
          <col className="c-endpoint" />
          <col className="c-age" />
        </colgroup>
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
          {clusters.slice(0, shown).map((c) => (
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
        <a href={hrefs.cluster(project, metadata.name)}>{metadata.name}</a>
      </th>
      <td>
        <span className={`badge badge-${phaseTone(status.phase)}`} data-phase={status.phase}>
          {status.phase}
        </span>
      </td>
      <td>{status.version ?? spec.version}</td>
      <td className="num">{spec.controlPlane.count}</td>
      <td className="num">
        {nodes
          ? `${nodes.ready}/${nodes.total}`
          : `–/${spec.nodeGroups.reduce((n, g) => n + g.count, 0)}`}
      </td>
      <td className="mono">{status.apiEndpoint ?? '—'}</td>
      <td title={metadata.createdAt}>{age(metadata.createdAt, now)}</td>
    </tr>
  );
});
