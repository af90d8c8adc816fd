/**
 * Addons of a cluster are entries of its `spec.addons`; installing or removing one is a spec
 * change with its own operation (AddonInstall / AddonRemove) and event.
 */
import {
  validateClusterSpec,
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

  constructor(store: Store, catalog: Catalog) {
    this.#store = store;
    this.#catalog = catalog;
  }

  /** Throws BERTH_ERR_ALREADY_EXISTS when installed, BERTH_ERR_VALIDATION for unknown addons. */
  async install(
    actor: Principal,
    key: ClusterKey,
    addon: ClusterAddon,
  ): Promise<{ addon: AddonView; operation: Operation }> {
    const catalog = await this.#catalog.snapshot();
    const item = catalog.addons.find((a) => a.name === addon.name);
    if (!item) {
      const known = catalog.addons.map((a) => a.name).join(', ');
      throw new BerthError(
        'BERTH_ERR_VALIDATION',
        `unknown addon "${addon.name}"; known: ${known}`,
        { field: 'name' },
      );
    }
    if (addon.version !== undefined && !item.versions.includes(addon.version)) {
      throw new BerthError(
        'BERTH_ERR_VALIDATION',
        `addon ${addon.name} has no version "${addon.version}"; known: ${item.versions.join(', ')}`,
        {
          field: 'version',
        },
      );
    }
    const wanted: ClusterAddon =
      item && addon.version === undefined ? { ...addon, version: item.defaultVersion } : addon;
    return this.#store.transaction(async (tx) => {
      const current = await tx.clusters.require(key);
      checkAction(
        key.name,
        current.status.phase,
        current.metadata.deletionRequestedAt !== undefined,
        'update',
      );
      if (current.spec.addons.some((a) => a.name === addon.name)) {
        throw new BerthError(
          'BERTH_ERR_ALREADY_EXISTS',
          `addon "${addon.name}" is already installed`,
          { field: 'name' },
        );
      }
      const spec = { ...current.spec, addons: [...current.spec.addons, wanted] };
      validateClusterSpec(spec, catalog);
      const cluster = await tx.clusters.update(key, { spec });
      const operation = await recordAction(tx, {
        cluster,
        kind: 'AddonInstall',
        reason: 'AddonInstallRequested',
        message: `Addon ${addon.name}${wanted.version ? ` ${wanted.version}` : ''} install requested`,
        actor,
      });
      return { addon: { ...wanted }, operation };
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
      });
      return { addon, operation };
    });
  }
}
