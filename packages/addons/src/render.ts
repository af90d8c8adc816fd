/**
 * One entry point for the controller: the objects of an installable addon at a catalog version.
 */
import {
  parseAddonSettings,
  type IngressSettings,
  type MonitoringSettings,
} from '@berth/api-types';
import {
  INGRESS,
  INGRESS_VERSIONS,
  METRICS_SERVER,
  MONITORING,
  MONITORING_VERSIONS,
} from './catalog.js';
import { ingressObjects } from './ingress.js';
import { metricsServerObjects } from './metrics-server.js';
import { monitoringObjects, MONITORING_CRDS, type MonitoringImages } from './monitoring.js';
import type { KubeObject } from './objects.js';

/** What rendering needs beyond the addon's own settings. */
export interface RenderContext {
  /**
   * Platform image references by binary, e.g. `{ traefik: '…/berth/traefik:v3.6.12',
   * 'metrics-server-v0.8.0': '…/berth/metrics-server:v0.8.0' }`; the monitoring addon's are
   * `prometheus-operator`, `prometheus-config-reloader`, `prometheus`, `kube-state-metrics` and
   * `node_exporter`.
   */
  images: Readonly<Record<string, string | undefined>>;
  /** The cluster's subnet (where its load balancers' amphorae live). */
  subnetCidr: string;
  /** The Prometheus Operator's CRDs from its pinned module; absent when they cannot be read. */
  crds?: readonly KubeObject[];
}

export type Rendered = { objects: KubeObject[] } | { missing: string };

const BUILD_HINT = 'berth components install default --only';

/**
 * The addon's objects, or what is missing to render them (an image the registry does not hold).
 * @throws BERTH_ERR_VALIDATION when `config` does not fit the addon's settings (the API checked
 * it on the way in, so only a stored spec from an older Berth can)
 */
export function renderAddon(
  addon: { name: string; version: string; config?: Record<string, string> },
  context: RenderContext,
): Rendered {
  if (addon.name === INGRESS) return renderIngress(addon, context);
  if (addon.name === MONITORING) return renderMonitoring(addon, context);
  if (addon.name === METRICS_SERVER) return renderMetricsServer(addon.version, context);
  return { missing: `no manifests for addon ${addon.name}` };
}

function renderIngress(
  addon: { name: string; version: string; config?: Record<string, string> },
  context: RenderContext,
): Rendered {
  const revision = INGRESS_VERSIONS[addon.version];
  if (revision === undefined) return { missing: notInCatalog(addon, INGRESS_VERSIONS) };
  const image = context.images['traefik'];
  if (image === undefined)
    return {
      missing: `the platform registry holds no berth/traefik image (${BUILD_HINT} addons)`,
    };
  const settings = parseAddonSettings(addon.name, addon.config) as IngressSettings;
  return {
    objects: ingressObjects({
      image,
      version: addon.version,
      settings,
      trustedCidrs: [context.subnetCidr],
      drainOnStop: revision.drainOnStop,
    }),
  };
}

/**
 * The platform image a component binary becomes: `berth/<binary>`, or for a binary built once per
 * upstream version (`prometheus-v3.15.1`, `metrics-server-v0.8.0`) `berth/<name>:<version>`.
 */
function imageName(binary: string): string {
  const versioned = /^(.+)-(v\d+\.\d+\.\d+)$/.exec(binary);
  return versioned ? `berth/${versioned[1]}:${versioned[2]}` : `berth/${binary}`;
}

/** metrics-server at a catalog version: each version has its own component and image. */
function renderMetricsServer(version: string, context: RenderContext): Rendered {
  const component = metricsServerComponent(version);
  const image = context.images[component];
  if (image === undefined)
    return {
      missing: `the platform registry holds no berth/metrics-server:v${version} image (${BUILD_HINT} ${component})`,
    };
  return { objects: metricsServerObjects({ image, version }) };
}

/** The component (and binary) that builds metrics-server for a catalog version: `metrics-server-v0.8.0`. */
export function metricsServerComponent(version: string): string {
  return `metrics-server-v${version}`;
}

/** The component binary behind each monitoring image; Prometheus's depends on the version. */
const monitoringBinaries = (prometheus: string): Record<keyof MonitoringImages, string> => ({
  operator: 'prometheus-operator',
  configReloader: 'prometheus-config-reloader',
  prometheus,
  kubeStateMetrics: 'kube-state-metrics',
  nodeExporter: 'node_exporter',
});

/** Why a stored version renders nothing: the catalog no longer has it (the API refuses it). */
function notInCatalog(
  addon: { name: string; version: string },
  versions: Readonly<Record<string, unknown>>,
): string {
  return `addon ${addon.name} has no version "${addon.version}" in this Berth's catalog (known: ${Object.keys(versions).join(', ')}): choose one of those`;
}

function renderMonitoring(
  addon: { name: string; version: string; config?: Record<string, string> },
  context: RenderContext,
): Rendered {
  const revision = MONITORING_VERSIONS[addon.version];
  if (revision === undefined) return { missing: notInCatalog(addon, MONITORING_VERSIONS) };
  const settings = parseAddonSettings(addon.name, addon.config) as MonitoringSettings;
  const images: Partial<MonitoringImages> = {};
  for (const [key, binary] of Object.entries(monitoringBinaries(revision.prometheus))) {
    const image = context.images[binary];
    if (image === undefined)
      return {
        missing: `the platform registry holds no ${imageName(binary)} image (${BUILD_HINT} monitoring)`,
      };
    images[key as keyof MonitoringImages] = image;
  }
  const crds = context.crds ?? [];
  const served = new Set(crds.map((c) => c.metadata.name));
  if (!MONITORING_CRDS.every((name) => served.has(name)))
    return {
      missing: `the Prometheus Operator CRDs could not be read from its Go module (${BUILD_HINT} monitoring)`,
    };
  const prometheusImage = images.prometheus!;
  return {
    objects: monitoringObjects({
      images: images as MonitoringImages,
      prometheusVersion: prometheusImage.slice(prometheusImage.lastIndexOf(':') + 1),
      version: addon.version,
      settings,
      crds,
    }),
  };
}
