/** Catalogs, the read-only infrastructure views and operations. */
import type {
  AddonItem,
  Flavor,
  InfraKind,
  InfraList,
  InfraObject,
  InfraVolume,
  InfraVolumeList,
  Operation,
  RegistryInfo,
  VersionItem,
  VolumeType,
  Zone,
} from '@berth/api-types';
import { collectAll } from '../pages.js';
import { paths } from '../paths.js';
import type { Transport } from '../transport.js';
import { page, type CallOptions, type ListOptions } from './projects.js';

export function catalogApi(t: Transport) {
  const items = async <T>(kind: Parameters<typeof paths.catalog>[0], o: CallOptions) =>
    (await t.json<{ items: T[] }>({ method: 'GET', path: paths.catalog(kind), signal: o.signal }))
      .items;
  return {
    versions: (o: CallOptions = {}) => items<VersionItem>('versions', o),
    flavors: (o: CallOptions = {}) => items<Flavor>('flavors', o),
    zones: (o: CallOptions = {}) => items<Zone>('zones', o),
    volumeTypes: (o: CallOptions = {}) => items<VolumeType>('volume-types', o),
    addons: (o: CallOptions = {}) => items<AddonItem>('addons', o),
  };
}

/** `cluster`: only the objects of this cluster (by name). */
export interface InfraCallOptions extends CallOptions {
  cluster?: string | undefined;
}

export function infraApi(t: Transport) {
  const list = (project: string, kind: InfraKind, o: ListOptions & InfraCallOptions = {}) =>
    t.json<InfraList>({
      method: 'GET',
      path: paths.infra(project, kind),
      query: { ...page(o), cluster: o.cluster },
      signal: o.signal,
    });
  const listVolumes = (project: string, o: ListOptions & InfraCallOptions = {}) =>
    t.json<InfraVolumeList>({
      method: 'GET',
      path: paths.infra(project, 'volumes'),
      query: { ...page(o), cluster: o.cluster },
      signal: o.signal,
    });
  return {
    list,
    listAll: (project: string, kind: InfraKind, o: InfraCallOptions = {}) =>
      collectAll<InfraObject>((q) => list(project, kind, { ...q, ...o })),
    /** Volumes with their purpose, claim, node and state. */
    listVolumes,
    listAllVolumes: (project: string, o: InfraCallOptions = {}) =>
      collectAll<InfraVolume>((q) => listVolumes(project, { ...q, ...o })),
  };
}

export function operationsApi(t: Transport) {
  return {
    get: (id: string, o: CallOptions = {}) =>
      t.json<Operation>({ method: 'GET', path: paths.operation(id), signal: o.signal }),
  };
}

/** The platform's container registry: endpoint and CA (`GET /v1/registry`). */
export function registryApi(t: Transport) {
  return {
    get: (o: CallOptions = {}) =>
      t.json<RegistryInfo>({ method: 'GET', path: paths.registry(), signal: o.signal }),
  };
}

export type CatalogApi = ReturnType<typeof catalogApi>;
export type RegistryApi = ReturnType<typeof registryApi>;
export type InfraApi = ReturnType<typeof infraApi>;
export type OperationsApi = ReturnType<typeof operationsApi>;
