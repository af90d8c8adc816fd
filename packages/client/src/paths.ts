/** URL paths of the /v1 API; every name is percent-encoded so a path can never be smuggled in. */
import type { InfraKind } from '@berth/api-types';

const seg = encodeURIComponent;

export const paths = {
  catalog: (kind: 'versions' | 'flavors' | 'zones' | 'volume-types' | 'addons') => `/v1/${kind}`,
  whoami: () => '/v1/whoami',
  login: () => '/v1/login',
  members: (p: string) => `/v1/projects/${seg(p)}/members`,
  member: (p: string, kind: 'group' | 'user', name: string) =>
    `/v1/projects/${seg(p)}/members/${kind}/${seg(name)}`,
  projects: () => '/v1/projects',
  project: (p: string) => `/v1/projects/${seg(p)}`,
  tokens: (p: string) => `/v1/projects/${seg(p)}/tokens`,
  token: (p: string, id: string) => `/v1/projects/${seg(p)}/tokens/${seg(id)}`,
  clusters: (p: string) => `/v1/projects/${seg(p)}/clusters`,
  cluster: (p: string, c: string) => `/v1/projects/${seg(p)}/clusters/${seg(c)}`,
  clusterAction: (
    p: string,
    c: string,
    action: 'start' | 'stop' | 'upgrade' | 'renew-certificates',
  ) => `/v1/projects/${seg(p)}/clusters/${seg(c)}:${action}`,
  kubeconfig: (p: string, c: string) => `${paths.cluster(p, c)}/kubeconfig`,
  credentials: (p: string, c: string) => `${paths.cluster(p, c)}/credentials`,
  nodeGroups: (p: string, c: string) => `${paths.cluster(p, c)}/nodegroups`,
  nodeGroup: (p: string, c: string, ng: string) => `${paths.cluster(p, c)}/nodegroups/${seg(ng)}`,
  nodeGroupUpgrade: (p: string, c: string, ng: string) =>
    `${paths.cluster(p, c)}/nodegroups/${seg(ng)}:upgrade`,
  nodes: (p: string, c: string) => `${paths.cluster(p, c)}/nodes`,
  clusterMetrics: (p: string, c: string) => `${paths.cluster(p, c)}/metrics`,
  monitoring: (p: string, c: string, endpoint: 'query' | 'query_range') =>
    `${paths.cluster(p, c)}/monitoring/${endpoint}`,
  events: (p: string, c: string) => `${paths.cluster(p, c)}/events`,
  addons: (p: string, c: string) => `${paths.cluster(p, c)}/addons`,
  addon: (p: string, c: string, a: string) => `${paths.cluster(p, c)}/addons/${seg(a)}`,
  infra: (p: string, kind: InfraKind) => `/v1/projects/${seg(p)}/${kind}`,
  operation: (id: string) => `/v1/operations/${seg(id)}`,
  registry: () => '/v1/registry',
};
