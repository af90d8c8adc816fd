/**
 * The addons `/v1/addons` lists, and which of them an addon controller installs today. An addon
 * in the catalog but not installable is refused with 501 BERTH_ERR_NOT_IMPLEMENTED naming it:
 * accepting it would report work nothing does.
 */
import type { AddonItem } from '@berth/api-types';

export const INGRESS = 'ingress';
export const METRICS_SERVER = 'metrics-server';
export const MONITORING = 'monitoring';

/**
 * What a catalog version of the ingress addon ships. Its versions are Traefik's release plus
 * Berth's packaging revision, `<upstream>-berth.<n>` (as managed platforms number their builds of
 * one upstream release): the module proxy serves one buildable Traefik, v3.6.12, so revisions
 * are how its manifests improve and how clusters take that improvement as an upgrade.
 */
export interface IngressVersion {
  /**
   * Graceful rollouts: a stopping Traefik keeps serving for `requestAcceptGraceTimeout` while
   * its readiness fails (ping answers 503), so the load balancer's health checks drain its node
   * before it closes its listeners. berth.1 stopped accepting at once.
   */
  drainOnStop: boolean;
}

export const INGRESS_VERSIONS: Readonly<Record<string, IngressVersion>> = {
  '3.6.12-berth.1': { drainOnStop: false },
  '3.6.12-berth.2': { drainOnStop: true },
};

/**
 * What a catalog version of the monitoring addon ships: the Prometheus Operator's release (the
 * proxy serves one, v0.85.0) plus Berth's revision, which picks the Prometheus it runs (the
 * component whose binary the operator is given).
 */
export interface MonitoringVersion {
  /** The component binary of Prometheus: `prometheus-v3.15.1`, or `prometheus` (v3.16.0). */
  prometheus: string;
}

export const MONITORING_VERSIONS: Readonly<Record<string, MonitoringVersion>> = {
  '0.85.0-berth.1': { prometheus: 'prometheus-v3.15.1' },
  '0.85.0-berth.2': { prometheus: 'prometheus' },
};

const newest = (versions: Readonly<Record<string, unknown>>) => Object.keys(versions).at(-1)!;

export const ADDON_CATALOG: readonly AddonItem[] = [
  {
    name: INGRESS,
    description:
      'Traefik ingress controller behind an ACTIVE_STANDBY load balancer, PROXY protocol v2 so pods see client addresses; IngressClass "berth" (default)',
    versions: Object.keys(INGRESS_VERSIONS),
    defaultVersion: newest(INGRESS_VERSIONS),
  },
  {
    name: MONITORING,
    description:
      'Prometheus Operator, Prometheus (Service "prometheus" in berth-monitoring), kube-state-metrics and node-exporter; scrapes the API server, kubelets, CoreDNS, the ingress and every ServiceMonitor',
    versions: Object.keys(MONITORING_VERSIONS),
    defaultVersion: newest(MONITORING_VERSIONS),
  },
  {
    name: METRICS_SERVER,
    description: 'Resource metrics for kubectl top and the HorizontalPodAutoscaler',
    // Each version is an upstream release with its own image (berth/metrics-server:v<version>);
    // 0.8.0 is the approved one, 0.8.1 the one to upgrade to.
    versions: ['0.8.0', '0.8.1'],
    defaultVersion: '0.8.0',
  },
  {
    name: 'docker-registry',
    description: 'Private image registry backed by object storage',
    versions: ['3.0'],
    defaultVersion: '3.0',
  },
  {
    name: 'velero',
    description: 'Backups of cluster objects and persistent volumes',
    versions: ['1.16'],
    defaultVersion: '1.16',
  },
];

/** Addons the addon controller installs; the rest of the catalog is refused with 501. */
export const INSTALLABLE_ADDONS: ReadonlySet<string> = new Set([
  INGRESS,
  METRICS_SERVER,
  MONITORING,
]);

/** The catalog entry of `name`, or undefined. */
export function catalogItem(name: string): AddonItem | undefined {
  return ADDON_CATALOG.find((a) => a.name === name);
}
