/**
 * The addons `/v1/addons` lists, and which of them an addon controller installs today. An addon
 * in the catalog but not installable is refused with 501 BERTH_ERR_NOT_IMPLEMENTED naming it:
 * accepting it would report work nothing does.
 */
import type { AddonItem } from '@berth/api-types';

export const INGRESS = 'ingress';

export const ADDON_CATALOG: readonly AddonItem[] = [
  {
    name: INGRESS,
    description:
      'Traefik ingress controller behind an ACTIVE_STANDBY load balancer, PROXY protocol v2 so pods see client addresses; IngressClass "berth" (default)',
    versions: ['3.6'],
    defaultVersion: '3.6',
  },
  {
    name: 'monitoring',
    description: 'Prometheus Operator, Prometheus, kube-state-metrics and node-exporter',
    versions: ['0.85'],
    defaultVersion: '0.85',
  },
  {
    name: 'metrics-server',
    description: 'Resource metrics for kubectl top and the HorizontalPodAutoscaler',
    versions: ['0.8'],
    defaultVersion: '0.8',
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
export const INSTALLABLE_ADDONS: ReadonlySet<string> = new Set([INGRESS]);

/** The catalog entry of `name`, or undefined. */
export function catalogItem(name: string): AddonItem | undefined {
  return ADDON_CATALOG.find((a) => a.name === name);
}
