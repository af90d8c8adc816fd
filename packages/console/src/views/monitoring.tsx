/**
 * Monitoring: dashboards drawn from the cluster's own Prometheus (the `monitoring` addon),
 * queried through Berth's API with the signed-in user's rights (lib/dashboards.ts holds every
 * query), refreshed every 30 s. Without the addon the tab says so and — for a member, on a
 * server that installs it — offers to install it.
 */
import { useEffect, useState } from 'react';
import type { AddonStatus, Cluster, MonitoringQueryResult } from '@berth/api-types';
import { isApiError } from '@berth/client';
import { can, useSession } from '../lib/api.js';
import { PANELS, REFRESH_MS, rangeAt, seriesOf, type Panel } from '../lib/dashboards.js';
import type { Series } from '../lib/charts.js';
import { describeError, ErrorBanner, Notice, useAsync } from '../components/common.js';
import { LineChart } from '../components/chart.js';

export const MONITORING = 'monitoring';

/** Where the cluster's monitoring addon stands: not wanted, wanted but not ready, or ready. */
export function monitoringState(
  cluster: Cluster,
): { kind: 'absent' } | { kind: 'pending'; status?: AddonStatus } | { kind: 'installed' } {
  if (!cluster.spec.addons.some((a) => a.name === MONITORING)) return { kind: 'absent' };
  const status = cluster.status.addons?.find((a) => a.name === MONITORING);
  if (status?.phase === 'Installed') return { kind: 'installed' };
  return status ? { kind: 'pending', status } : { kind: 'pending' };
}

export function MonitoringPanel({
  project,
  cluster,
  installable,
}: {
  project: string;
  cluster: Cluster;
  /** Whether this server installs the monitoring addon (`/v1/addons`). */
  installable: boolean;
}) {
  const state = monitoringState(cluster);
  if (state.kind === 'absent')
    return <NotInstalled project={project} cluster={cluster} installable={installable} />;
  if (state.kind === 'pending') {
    const s = state.status;
    const failed = s?.phase === 'Failed';
    return (
      <div className={`banner ${failed ? 'banner-bad' : 'banner-info'}`} role="status">
        {failed
          ? `The monitoring addon failed: ${s.reason ?? ''} ${s.message ?? ''}`
          : `The monitoring addon is being installed${s ? ` (${s.phase}${s.message ? `: ${s.message}` : ''})` : ''}; the dashboards appear once it is Installed.`}
      </div>
    );
  }
  return <Dashboards project={project} name={cluster.metadata.name} />;
}

function NotInstalled({
  project,
  cluster,
  installable,
}: {
  project: string;
  cluster: Cluster;
  installable: boolean;
}) {
  const { client, identity } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [operation, setOperation] = useState<string>();
  const name = cluster.metadata.name;
  const mayInstall = installable && can(identity, 'member', project);
  const install = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const { operation } = await client.addons.install(project, name, { name: MONITORING });
      setOperation(operation.id);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="monitoring-empty">
      <Notice>
        The monitoring addon is not installed in this cluster: no dashboards to show.{' '}
        {!installable
          ? 'This server does not install it.'
          : mayInstall
            ? 'Install it (Prometheus, kube-state-metrics, node-exporter) to see them.'
            : 'A member of the project can install it.'}
      </Notice>
      {mayInstall && operation === undefined ? (
        <button type="button" className="primary" disabled={busy} onClick={() => void install()}>
          Install monitoring
        </button>
      ) : null}
      {operation ? (
        <p className="muted" role="status">
          Installing (operation {operation}); the dashboards appear once the addon is Installed.
        </p>
      ) : null}
      <ErrorBanner error={error} />
    </div>
  );
}

interface PanelData {
  series: Series[];
  error?: unknown;
}

function Dashboards({ project, name }: { project: string; name: string }) {
  const { client } = useSession();
  const data = useAsync(
    async (signal) => {
      const range = rangeAt(Date.now());
      const ask = (query: string): Promise<MonitoringQueryResult> =>
        client.monitoring.queryRange(project, name, query, range, { signal });
      const panels = await Promise.all(
        PANELS.map(async (panel): Promise<[string, PanelData]> => {
          const answers = await Promise.allSettled(panel.queries.map((q) => ask(q.query)));
          const failed = answers.find((a) => a.status === 'rejected');
          const series = answers.flatMap((a, i) =>
            a.status === 'fulfilled' ? seriesOf(a.value, panel.queries[i]!.legend) : [],
          );
          return [panel.id, failed ? { series, error: failed.reason } : { series }];
        }),
      );
      return { at: Date.now(), panels: new Map(panels) };
    },
    [client, project, name],
  );
  const { reload } = data;
  useEffect(() => {
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  const errors = [...(data.data?.panels.values() ?? [])].map((p) => p.error).filter(Boolean);
  // One answer for the whole cluster (Prometheus down, the addon gone) is shown once, on top.
  const shared = errors.length === PANELS.length ? errors[0] : undefined;
  if (isApiError(shared) && shared.code === 'BERTH_ERR_ADDON_NOT_INSTALLED')
    return <Notice>{describeError(shared)}</Notice>;
  return (
    <div className="charts monitoring">
      <p className="muted small" aria-live="polite">
        {data.data
          ? `Last hour, from the cluster's Prometheus; updated ${new Date(data.data.at).toLocaleTimeString()}, every ${REFRESH_MS / 1000} s.`
          : 'Asking the cluster’s Prometheus…'}
      </p>
      <ErrorBanner error={shared ?? data.error} />
      {data.data
        ? PANELS.map((panel) => (
            <DashboardPanel
              key={panel.id}
              panel={panel}
              data={data.data!.panels.get(panel.id)}
              showError={shared === undefined}
            />
          ))
        : null}
    </div>
  );
}

function DashboardPanel({
  panel,
  data,
  showError,
}: {
  panel: Panel;
  data: PanelData | undefined;
  showError: boolean;
}) {
  return (
    <div className="dashboard-panel" data-panel={panel.id}>
      <LineChart title={panel.title} series={data?.series ?? []} unit={panel.unit} />
      {showError && data?.error ? (
        <p className="field-error" role="alert">
          {describeError(data.error)}
        </p>
      ) : null}
    </div>
  );
}
