/**
 * Builds the create request of `berth cluster create` from its flags and an optional spec file
 * (`-f`, YAML or JSON: a whole `{metadata, spec}` request or just the spec). Flags win over the
 * file; `--nodegroup` flags, when given, replace the file's node groups. Values are only
 * converted here — the server validates them and names the field it rejects.
 */
import fs from 'node:fs/promises';
import YAML from 'yaml';
import type { ClusterCreateRequest, ClusterSpecInput } from '@berth/api-types';
import { UsageError } from './exit.js';
import { parseLabel, parseNodeGroupFlag } from './nodegroup-spec.js';

export interface ClusterCreateFlags {
  version?: string;
  masters?: string;
  masterFlavor?: string;
  zones?: string;
  subnetCidr?: string;
  podsCidr?: string;
  servicesCidr?: string;
  private?: boolean;
  allowedCidr?: string[];
  nodegroup?: string[];
  label?: string[];
}

export async function readRequestFile(file: string): Promise<ClusterCreateRequest> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`-f ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return requestFromDocument(text, file);
}

/** A request from a YAML/JSON document holding either a whole request or only a spec. */
export function requestFromDocument(text: string, file: string): ClusterCreateRequest {
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (err) {
    throw new UsageError(`-f ${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new UsageError(`-f ${file}: expected a mapping with metadata and spec (or a spec)`);
  }
  const record = doc as Record<string, unknown>;
  if ('metadata' in record || 'spec' in record) {
    return { metadata: { name: '' }, ...record } as ClusterCreateRequest;
  }
  return { metadata: { name: '' }, spec: record as ClusterSpecInput };
}

/** Merges `flags` (and the positional name) over `base`. */
export function buildCreateRequest(
  name: string | undefined,
  flags: ClusterCreateFlags,
  base: ClusterCreateRequest = { metadata: { name: '' } },
): ClusterCreateRequest {
  const finalName = name ?? base.metadata?.name;
  if (!finalName) throw new UsageError('cluster create needs a NAME (or metadata.name in -f)');
  const spec: ClusterSpecInput = structuredClone(base.spec ?? {});
  if (flags.version) spec.version = flags.version;
  if (flags.masters !== undefined || flags.masterFlavor) {
    spec.controlPlane = { ...spec.controlPlane };
    if (flags.masters !== undefined)
      spec.controlPlane.count = toInteger(flags.masters, '--masters');
    if (flags.masterFlavor) spec.controlPlane.flavor = flags.masterFlavor;
  }
  if (flags.zones) spec.zones = splitList(flags.zones) as typeof spec.zones;
  const network = {
    subnetCidr: flags.subnetCidr,
    podsCidr: flags.podsCidr,
    servicesCidr: flags.servicesCidr,
  };
  for (const [key, value] of Object.entries(network)) {
    if (value) spec.network = { ...spec.network, [key]: value };
  }
  if (flags.private) spec.apiAccess = { ...spec.apiAccess, public: false };
  const allowed = (flags.allowedCidr ?? []).flatMap(splitList);
  if (allowed.length > 0) spec.apiAccess = { ...spec.apiAccess, allowedCidrs: allowed };
  if (flags.nodegroup && flags.nodegroup.length > 0) {
    spec.nodeGroups = flags.nodegroup.map(parseNodeGroupFlag);
  }
  const metadata: ClusterCreateRequest['metadata'] = { ...base.metadata, name: finalName };
  for (const label of flags.label ?? []) {
    const [key, value] = parseOrUsage(() => parseLabel(label), '--label');
    metadata.labels = { ...metadata.labels, [key]: value };
  }
  return { apiVersion: 'berth.dev/v1', kind: 'Cluster', metadata, spec };
}

function parseOrUsage<T>(parse: () => T, option: string): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError(`${option}: ${(err as Error).message}`);
  }
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function toInteger(text: string, option: string): 1 | 3 | 5 {
  if (!/^\d+$/.test(text)) throw new UsageError(`${option} "${text}" must be a number (1, 3 or 5)`);
  return Number(text) as 1 | 3 | 5;
}
