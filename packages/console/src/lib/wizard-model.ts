/**
 * The create-cluster wizard as data: the form's state, the API request it stands for (only what
 * differs from the API's defaults, so "name → Create" sends `{metadata: {name}}`), and the
 * equivalent `berth cluster create` command. Pure functions, tested without a browser.
 */
import type { ClusterCreateRequest, ClusterNodeGroupInput } from '@berth/api-types';
import { parseLabels, parseTaints, splitList } from './format.js';

/** The API's defaults (docs/api.md), shown as the form's starting values. */
export const DEFAULTS = {
  masters: 1,
  masterFlavor: 'std-2-4',
  zone: 'az1',
  subnetCidr: '10.0.0.0/24',
  podsCidr: '10.100.0.0/16',
  servicesCidr: '10.254.0.0/16',
  nodeGroup: { name: 'default', flavor: 'std-2-4', count: 3, min: 1, max: 10 },
} as const;

export interface NodeGroupForm {
  name: string;
  flavor: string;
  /** '' = the cluster's first zone. */
  zone: string;
  count: number;
  autoscaling: boolean;
  min: number;
  max: number;
  labels: string;
  taints: string;
}

export interface WizardForm {
  name: string;
  /** '' = the catalog's default. */
  version: string;
  masters: 1 | 3 | 5;
  zones: string[];
  nodeGroups: NodeGroupForm[];
  subnetCidr: string;
  podsCidr: string;
  servicesCidr: string;
  apiPublic: boolean;
  allowedCidrs: string;
  addons: string[];
}

export function defaultNodeGroup(name: string = DEFAULTS.nodeGroup.name): NodeGroupForm {
  const d = DEFAULTS.nodeGroup;
  return {
    name,
    flavor: d.flavor,
    zone: '',
    count: d.count,
    autoscaling: false,
    min: d.min,
    max: d.max,
    labels: '',
    taints: '',
  };
}

export function defaultForm(): WizardForm {
  return {
    name: '',
    version: '',
    masters: 1,
    zones: [DEFAULTS.zone],
    nodeGroups: [defaultNodeGroup()],
    subnetCidr: DEFAULTS.subnetCidr,
    podsCidr: DEFAULTS.podsCidr,
    servicesCidr: DEFAULTS.servicesCidr,
    apiPublic: true,
    allowedCidrs: '',
    addons: [],
  };
}

/** Field path (as the API names it) → message, for mistakes found before sending. */
export type FieldErrors = Record<string, string>;

function isDefaultGroup(g: NodeGroupForm): boolean {
  const d = defaultNodeGroup();
  return JSON.stringify(g) === JSON.stringify(d);
}

function nodeGroupInput(g: NodeGroupForm, i: number, errors: FieldErrors): ClusterNodeGroupInput {
  const d = DEFAULTS.nodeGroup;
  const out: ClusterNodeGroupInput = { name: g.name };
  if (g.flavor !== d.flavor) out.flavor = g.flavor;
  if (g.zone !== '') out.zone = g.zone;
  if (g.count !== d.count) out.count = g.count;
  if (g.autoscaling) out.autoscaling = { enabled: true, min: g.min, max: g.max };
  try {
    const labels = parseLabels(g.labels);
    if (Object.keys(labels).length > 0) out.labels = labels;
  } catch (err) {
    errors[`spec.nodeGroups[${i}].labels`] = (err as Error).message;
  }
  try {
    const taints = parseTaints(g.taints);
    if (taints.length > 0) out.taints = taints as ClusterNodeGroupInput['taints'];
  } catch (err) {
    errors[`spec.nodeGroups[${i}].taints`] = (err as Error).message;
  }
  return out;
}

/** The request the form stands for, and the mistakes found in text fields before sending. */
export function toRequest(form: WizardForm): {
  request: ClusterCreateRequest;
  errors: FieldErrors;
} {
  const errors: FieldErrors = {};
  const spec: NonNullable<ClusterCreateRequest['spec']> = {};
  if (form.version !== '') spec.version = form.version;
  if (form.masters !== DEFAULTS.masters) spec.controlPlane = { count: form.masters };
  if (form.zones.length !== 1 || form.zones[0] !== DEFAULTS.zone) spec.zones = form.zones;
  const network: Record<string, string> = {};
  if (form.subnetCidr !== DEFAULTS.subnetCidr) network.subnetCidr = form.subnetCidr.trim();
  if (form.podsCidr !== DEFAULTS.podsCidr) network.podsCidr = form.podsCidr.trim();
  if (form.servicesCidr !== DEFAULTS.servicesCidr) network.servicesCidr = form.servicesCidr.trim();
  if (Object.keys(network).length > 0) spec.network = network;
  const allowed = splitList(form.allowedCidrs);
  if (!form.apiPublic || allowed.length > 0)
    spec.apiAccess = {
      ...(form.apiPublic ? {} : { public: false }),
      ...(allowed.length > 0 ? { allowedCidrs: allowed } : {}),
    };
  const onlyDefaultGroup = form.nodeGroups.length === 1 && isDefaultGroup(form.nodeGroups[0]!);
  if (!onlyDefaultGroup)
    spec.nodeGroups = form.nodeGroups.map((g, i) => nodeGroupInput(g, i, errors));
  if (form.addons.length > 0) spec.addons = form.addons.map((name) => ({ name }));
  const request: ClusterCreateRequest = { metadata: { name: form.name.trim() } };
  if (Object.keys(spec).length > 0) request.spec = spec;
  return { request, errors };
}

/** Quotes a shell word when it needs it. */
function sh(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

function nodeGroupFlag(g: ClusterNodeGroupInput): string {
  const parts: string[] = [];
  if (g.flavor) parts.push(`flavor=${g.flavor}`);
  if (g.zone) parts.push(`zone=${g.zone}`);
  if (g.count !== undefined) parts.push(`count=${g.count}`);
  if (g.autoscaling?.enabled)
    parts.push(`min=${g.autoscaling.min}`, `max=${g.autoscaling.max}`, 'autoscale');
  for (const [k, v] of Object.entries(g.labels ?? {})) parts.push(`label=${k}=${v}`);
  for (const t of g.taints ?? [])
    parts.push(`taint=${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`);
  return `${g.name}${parts.length ? `:${parts.join(',')}` : ''}`;
}

/** The `berth cluster create` command that sends the same request. */
export function berthCommand(project: string, request: ClusterCreateRequest): string {
  const args = ['berth'];
  if (project !== 'default') args.push('-p', sh(project));
  args.push('cluster', 'create', sh(request.metadata.name || 'NAME'));
  const spec = request.spec ?? {};
  if (spec.version) args.push('--version', sh(spec.version));
  if (spec.controlPlane?.count) args.push('--masters', String(spec.controlPlane.count));
  if (spec.zones) args.push('--zones', sh(spec.zones.join(',')));
  if (spec.network?.subnetCidr) args.push('--subnet-cidr', sh(spec.network.subnetCidr));
  if (spec.network?.podsCidr) args.push('--pods-cidr', sh(spec.network.podsCidr));
  if (spec.network?.servicesCidr) args.push('--services-cidr', sh(spec.network.servicesCidr));
  if (spec.apiAccess?.public === false) args.push('--private');
  for (const cidr of spec.apiAccess?.allowedCidrs ?? []) args.push('--allowed-cidr', sh(cidr));
  for (const g of spec.nodeGroups ?? []) args.push('--nodegroup', sh(nodeGroupFlag(g)));
  args.push('--wait');
  const command = args.join(' ');
  // The CLI has no addon flags yet: addons go through the API (or `-f spec.yaml`).
  if (!spec.addons?.length) return command;
  return `${command}\n# addons (API only): ${spec.addons.map((a) => a.name).join(', ')}`;
}

/**
 * The form field an API error belongs to: the longest known path that is the error's field or
 * a prefix of it (`spec.nodeGroups[0].labels.x` → `spec.nodeGroups[0].labels`).
 */
export function fieldFor(
  errorField: string | undefined,
  known: readonly string[],
): string | undefined {
  if (!errorField) return undefined;
  let best: string | undefined;
  for (const path of known) {
    const matches =
      errorField === path || errorField.startsWith(`${path}.`) || errorField.startsWith(`${path}[`);
    if (matches && (best === undefined || path.length > best.length)) best = path;
  }
  return best;
}

/** An HCL identifier for a name (DNS labels may start with a digit; identifiers may not). */
function hclIdent(name: string): string {
  const ident = (name || 'cluster').replaceAll('-', '_');
  return /^[a-z_]/i.test(ident) ? ident : `c_${ident}`;
}

const hcl = (value: string) => JSON.stringify(value);
const hclList = (values: readonly string[]) => `[${values.map(hcl).join(', ')}]`;
const hclMap = (map: Record<string, string>) =>
  `{ ${Object.entries(map)
    .map(([k, v]) => `${/^[a-z_][\w-]*$/i.test(k) ? k : hcl(k)} = ${hcl(v)}`)
    .join(', ')} }`;

/** `key = value` lines of a block body, aligned as `terraform fmt` aligns them. */
function body(lines: Array<[string, string]>): string {
  const width = Math.max(...lines.map(([k]) => k.length));
  return lines.map(([k, v]) => `  ${k.padEnd(width)} = ${v}`).join('\n');
}

/**
 * The Terraform configuration (berth provider) that makes the same cluster: a
 * `berth_kubernetes_cluster` and, since that resource starts without workers, one
 * `berth_kubernetes_node_group` per group the API would create (its `default` group too).
 */
export function terraformConfig(project: string, request: ClusterCreateRequest): string {
  const name = request.metadata.name || 'NAME';
  const id = hclIdent(name);
  const spec = request.spec ?? {};
  const cluster: Array<[string, string]> = [['name', hcl(name)]];
  if (project !== 'default') cluster.push(['project', hcl(project)]);
  if (spec.version) cluster.push(['version', hcl(spec.version)]);
  if (spec.controlPlane?.count)
    cluster.push(['control_plane', `{ count = ${spec.controlPlane.count} }`]);
  if (spec.zones) cluster.push(['zones', hclList(spec.zones)]);
  const net = spec.network ?? {};
  const network = [
    net.subnetCidr ? `subnet_cidr = ${hcl(net.subnetCidr)}` : '',
    net.podsCidr ? `pods_cidr = ${hcl(net.podsCidr)}` : '',
    net.servicesCidr ? `services_cidr = ${hcl(net.servicesCidr)}` : '',
  ].filter(Boolean);
  if (network.length) cluster.push(['network', `{ ${network.join(', ')} }`]);
  if (spec.apiAccess) {
    const access = [
      spec.apiAccess.public === false ? 'public = false' : '',
      spec.apiAccess.allowedCidrs?.length
        ? `allowed_cidrs = ${hclList(spec.apiAccess.allowedCidrs)}`
        : '',
    ].filter(Boolean);
    cluster.push(['api_access', `{ ${access.join(', ')} }`]);
  }
  if (spec.addons?.length)
    cluster.push(['addons', `[${spec.addons.map((a) => `{ name = ${hcl(a.name)} }`).join(', ')}]`]);
  const blocks = [`resource "berth_kubernetes_cluster" "${id}" {\n${body(cluster)}\n}`];
  const groups = spec.nodeGroups ?? [{ name: DEFAULTS.nodeGroup.name }];
  for (const g of groups) {
    const lines: Array<[string, string]> = [
      ['cluster_id', `berth_kubernetes_cluster.${id}.id`],
      ['name', hcl(g.name)],
    ];
    if (g.flavor) lines.push(['flavor', hcl(g.flavor)]);
    if (g.zone) lines.push(['zone', hcl(g.zone)]);
    if (g.autoscaling?.enabled)
      lines.push([
        'autoscaling',
        `{ min = ${g.autoscaling.min ?? 1}, max = ${g.autoscaling.max ?? 10} }`,
      ]);
    else if (g.count !== undefined) lines.push(['node_count', String(g.count)]);
    if (g.labels && Object.keys(g.labels).length) lines.push(['labels', hclMap(g.labels)]);
    if (g.taints?.length)
      lines.push([
        'taints',
        `[${g.taints.map((t) => `{ key = ${hcl(t.key)}, value = ${hcl(t.value)}, effect = ${hcl(t.effect)} }`).join(', ')}]`,
      ]);
    blocks.push(
      `resource "berth_kubernetes_node_group" "${id}_${hclIdent(g.name)}" {\n${body(lines)}\n}`,
    );
  }
  return blocks.join('\n\n');
}
