/**
 * Addons of a cluster are entries of its `spec.addons`; installing, changing or removing one is
 * a spec change with its own operation (AddonInstall, AddonRemove) and event, which the addon
 * controller ends from what it finds in the cluster.
 */
import {
  LIMITS,
  parseAddonSettings,
  type AddonStatus,
  type Cluster,
  type ClusterAddon,
  type Operation,
} from '@berth/api-types';
import { BerthError } from '@berth/errors';
import type { ClusterKey, Store } from '@berth/store';
import { recordAction } from './actions.js';
import type { Principal } from './auth.js';
import type { Catalog } from './deps.js';
import { checkAction } from './lifecycle.js';
import { refuseUninstallable, type AddonSupport } from './not-implemented.js';

export interface AddonView extends ClusterAddon {
  status?: AddonStatus;
}

export function addonViews(cluster: Cluster): AddonView[] {
  return cluster.spec.addons.map((addon) => {
    const status = cluster.status.addons?.find((s) => s.name === addon.name);
    return status ? { ...addon, status } : { ...addon };
  });
}

export class AddonService {
  readonly #store: Store;
  readonly #catalog: Catalog;
  readonly #installable: AddonSupport;

  constructor(store: Store, catalog: Catalog, installable: AddonSupport = new Set()) {
    this.#store = store;
    this.#catalog = catalog;
    this.#installable = installable;
  }

  /**
   * Installs the addon, or changes its version or settings when it is there: writes its
   * `spec.addons` entry (version defaulted from the catalog) and opens an AddonInstall
   * operation, which the addon controller ends once the addon's workloads are available (or
   * fails with their reason). Validation first: the cluster exists (404), the addon and version
   * are in the catalog and its settings fit (400 naming the field), this server installs it
   * (501 naming the addon).
   */
  async install(
    actor: Principal,
    key: ClusterKey,
    request: ClusterAddon,
  ): Promise<{ addon: AddonView; operation: Operation }> {
    await this.#store.clusters.require(key);
    const catalog = await this.#catalog.snapshot();
    const item = catalog.addons.find((a) => a.name === request.name);
    if (!item) {
      const known = catalog.addons.map((a) => a.name).join(', ');
      throw new BerthError(
        'BERTH_ERR_VALIDATION',
        `unknown addon "${request.name}"; known: ${known}`,
        { field: 'name' },
      );
    }
    if (request.version !== undefined && !item.versions.includes(request.version)) {
      throw new BerthError(
        'BERTH_ERR_VALIDATION',
        `addon ${request.name} has no version "${request.version}"; known: ${item.versions.join(', ')}`,
        { field: 'version' },
      );
    }
    parseAddonSettings(request.name, request.config);
    refuseUninstallable(request, 'name', this.#installable);
    const addon: ClusterAddon = {
      ...request,
      version: request.version ?? item.defaultVersion,
    };
    return this.#store.transaction(async (tx) => {
      const current = await tx.clusters.require(key);
      checkAction(
        key.name,
        current.status.phase,
        current.metadata.deletionRequestedAt !== undefined,
        'update',
      );
      const others = current.spec.addons.filter((a) => a.name !== addon.name);
      if (others.length >= LIMITS.maxAddonsPerCluster)
        throw new BerthError(
          'BERTH_ERR_VALIDATION',
          `a cluster has at most ${LIMITS.maxAddonsPerCluster} addons`,
          { field: 'name' },
        );
      const before = current.spec.addons.find((a) => a.name === addon.name);
      const addons = before
        ? current.spec.addons.map((a) => (a === before ? addon : a))
        : [...others, addon];
      const cluster = await tx.clusters.update(key, { spec: { ...current.spec, addons } });
      const verb = before === undefined ? 'install' : 'change';
      const operation = await recordAction(tx, {
        cluster,
        kind: 'AddonInstall',
        reason: 'AddonInstallRequested',
        message: `Addon ${addon.name} ${addon.version} ${verb} requested`,
        actor,
        addon: addon.name,
      });
      return { addon, operation };
    });
  }

  /** Throws BERTH_ERR_ADDON_NOT_FOUND when not installed. */
  async remove(
    actor: Principal,
    key: ClusterKey,
    name: string,
  ): Promise<{ addon: AddonView; operation: Operation }> {
    return this.#store.transaction(async (tx) => {
      const current = await tx.clusters.require(key);
      checkAction(
        key.name,
        current.status.phase,
        current.metadata.deletionRequestedAt !== undefined,
        'update',
      );
      const addon = current.spec.addons.find((a) => a.name === name);
      if (!addon)
        throw new BerthError(
          'BERTH_ERR_ADDON_NOT_FOUND',
          `addon "${name}" is not installed in cluster "${key.name}"`,
        );
      const spec = { ...current.spec, addons: current.spec.addons.filter((a) => a.name !== name) };
      const cluster = await tx.clusters.update(key, { spec });
      const operation = await recordAction(tx, {
        cluster,
        kind: 'AddonRemove',
        reason: 'AddonRemoveRequested',
        message: `Addon ${name} removal requested`,
        actor,
        addon: name,
      });
      return { addon, operation };
    });
  }
}
