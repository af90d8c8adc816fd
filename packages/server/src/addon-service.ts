/**
 * Addons of a cluster are entries of its `spec.addons`; removing one is a spec change with its
 * own operation (AddonRemove) and event. Installing is refused until an addon controller exists.
 */
import {
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
import { refuseAddon } from './not-implemented.js';

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

  /**
   * Validates the request (the cluster exists, the addon and version are in the catalog), then
   * refuses it with BERTH_ERR_NOT_IMPLEMENTED: no addon controller installs anything yet, so an
   * accepted install would be reported done while nothing happened.
   */
  async install(_actor: Principal, key: ClusterKey, addon: ClusterAddon): Promise<never> {
    await this.#store.clusters.require(key);
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
        { field: 'version' },
      );
    }
    throw refuseAddon('name', addon);
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
