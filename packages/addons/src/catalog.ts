/**
 * The addons `/v1/addons` lists, and which of them an addon controller installs today. An addon
 * in the catalog but not installable is refused with 501 BERTH_ERR_NOT_IMPLEMENTED naming it:
 * accepting it would report work nothing does.
 */
import type { AddonItem } from '@berth/api-types';

export const INGRESS = 'ingress';
export const METRICS_SERVER = 'metrics-server';
export const MONITORING = 'monitoring';

export const ADDON_CATALOG: readonly AddonItem[] = [
  {
    name: INGRESS,
    description:
      'Traefik ingress controller behind an ACTIVE_STANDBY load balancer, PROXY protocol v2 so pods see client addresses; IngressClass "berth" (default)',
    versions: ['3.6'],
    defaultVersion: '3.6',
  },
  {
    name: MONITORING,
    description:
      'Prometheus Operator, Prometheus (Service "prometheus" in berth-monitoring), kube-state-metrics and node-exporter; scrapes the API server, kubelets, CoreDNS, the ingress and every ServiceMonitor',
    versions: ['0.85'],
    defaultVersion: '0.85',
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
