/**
 * Catalog sources. `versionsFromManifest` turns components/versions.json (read by the composition
 * root) into /v1/versions; `providerCatalog` takes flavors, zones and volume types from the
 * infrastructure provider; `staticCatalog` serves a fixed snapshot (tests, offline setups).
 */
import type { AddonItem, CatalogSnapshot, VersionItem, VolumeType } from '@berth/api-types';
import { ADDON_CATALOG } from '@berth/addons';
import { BerthError } from '@berth/errors';
import type { Catalog } from './deps.js';

/** The addons `/v1/addons` lists (`@berth/addons`); only installable ones are accepted. */
export const BUILTIN_ADDONS: AddonItem[] = [...ADDON_CATALOG];

interface ManifestShape {
  defaultRelease?: unknown;
  releases?: Record<string, { kubernetes?: { version?: unknown } }>;
  endOfSupport?: Record<string, unknown>;
}

/**
 * /v1/versions from the supported-versions manifest: one entry per release (Kubernetes minor)
 * with its exact patch, whether it is the default, its end-of-support date and the patch of the
 * next minor it may upgrade to (one minor at a time; one patch per minor is offered, so no
 * same-minor target exists), newest first. Throws BERTH_ERR_INTERNAL for a malformed manifest.
 */
export function versionsFromManifest(raw: unknown): VersionItem[] {
  const manifest = raw as ManifestShape | null;
  if (!manifest || typeof manifest.defaultRelease !== 'string' || !manifest.releases) {
    throw internal('versions manifest lacks defaultRelease or releases');
  }
  const releases = Object.entries(manifest.releases).map(([minor, pins]) => {
    const exact = pins.kubernetes?.version;
    if (typeof exact !== 'string') {
      throw internal(`versions manifest: release ${minor} has no kubernetes version`);
    }
    const endOfSupport = manifest.endOfSupport?.[minor];
    if (typeof endOfSupport !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(endOfSupport)) {
      throw internal(`versions manifest: release ${minor} has no endOfSupport date`);
    }
    return { minor, patch: exact.replace(/^v/, ''), endOfSupport };
  });
  const patchOf = new Map(releases.map((r) => [r.minor, r.patch]));
  const items = releases.map((r): VersionItem => ({
    version: r.minor,
    patch: r.patch,
    default: r.minor === manifest.defaultRelease,
    endOfSupport: r.endOfSupport,
    upgradesTo: [patchOf.get(nextMinor(r.minor))].filter((p): p is string => p !== undefined),
  }));
  return items.sort((a, b) => compareMinor(b.version, a.version));
}

function internal(message: string): BerthError {
  return new BerthError('BERTH_ERR_INTERNAL', message, { retryable: false });
}

function nextMinor(minor: string): string {
  const [major = 0, number = 0] = minor.split('.').map(Number);
  return `${major}.${number + 1}`;
}

function compareMinor(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am - bm || an - bn;
}

export function staticCatalog(snapshot: CatalogSnapshot): Catalog {
  return { snapshot: async () => snapshot };
}

/** The subset of the provider's catalog service this needs. */
export interface ProviderCatalogSource {
  listFlavors(
    input: Record<string, never>,
    signal: AbortSignal,
  ): Promise<Array<{ name: string; vcpus: number; ramMiB: number; diskGb: number }>>;
  listZones(
    input: Record<string, never>,
    signal: AbortSignal,
  ): Promise<Array<{ name: string; available: boolean }>>;
  listVolumeTypes(input: Record<string, never>, signal: AbortSignal): Promise<VolumeType[]>;
}

/**
 * Flavors, zones and volume types from the provider (re-read at most every `ttlMs`, default
 * 30 s), versions and addons as given.
 */
export function providerCatalog(
  source: ProviderCatalogSource,
  fixed: { versions: VersionItem[]; addons?: AddonItem[] },
  options: { ttlMs?: number; now?: () => number } = {},
): Catalog {
  const ttl = options.ttlMs ?? 30_000;
  const now = options.now ?? Date.now;
  let cached: { at: number; snapshot: Promise<CatalogSnapshot> } | undefined;
  const load = async (): Promise<CatalogSnapshot> => {
    const signal = AbortSignal.timeout(10_000);
    const [flavors, zones, volumeTypes] = await Promise.all([
      source.listFlavors({}, signal),
      source.listZones({}, signal),
      source.listVolumeTypes({}, signal),
    ]);
    return {
      versions: fixed.versions,
      addons: fixed.addons ?? BUILTIN_ADDONS,
      flavors,
      zones,
      volumeTypes,
    };
  };
  return {
    snapshot: () => {
      if (!cached || now() - cached.at > ttl) {
        const snapshot = load();
        cached = { at: now(), snapshot };
        snapshot.catch(() => (cached = undefined));
      }
      return cached.snapshot;
    },
  };
}
