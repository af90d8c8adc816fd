/**
 * The autoscaler's own report: the `status` key of the `cluster-autoscaler-status` ConfigMap in
 * kube-system (YAML since 1.30), per node group — health, the scale-up state with its backoff
 * reason, and scale-down candidates. Parsed leniently: a field it lacks stays undefined.
 */
import { parse } from 'yaml';

export const STATUS_CONFIGMAP = { namespace: 'kube-system', name: 'cluster-autoscaler-status' };

export interface GroupReport {
  health?: string;
  scaleUp?: string;
  backoff?: { errorCode: string; errorMessage: string };
  scaleDownCandidates?: number;
  cloudProviderTarget?: number;
}

interface RawCondition {
  status?: unknown;
  backoffInfo?: { errorCode?: unknown; errorMessage?: unknown };
  candidates?: unknown;
}

interface RawGroup {
  name?: unknown;
  health?: RawCondition & { cloudProviderTarget?: unknown };
  scaleUp?: RawCondition;
  scaleDown?: RawCondition;
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

/** Per node group name; empty when the text is not the autoscaler's YAML status. */
export function parseStatusReport(text: string): Map<string, GroupReport> {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return new Map();
  }
  const groups = (doc as { nodeGroups?: unknown } | null)?.nodeGroups;
  if (!Array.isArray(groups)) return new Map();
  const out = new Map<string, GroupReport>();
  for (const g of groups as RawGroup[]) {
    const name = str(g.name);
    if (name === undefined) continue;
    const report: GroupReport = {};
    const health = str(g.health?.status);
    if (health) report.health = health;
    const target = num(g.health?.cloudProviderTarget);
    if (target !== undefined) report.cloudProviderTarget = target;
    const scaleUp = str(g.scaleUp?.status);
    if (scaleUp) report.scaleUp = scaleUp;
    const code = str(g.scaleUp?.backoffInfo?.errorCode);
    if (scaleUp === 'Backoff' || code !== undefined) {
      report.backoff = {
        errorCode: code ?? 'Backoff',
        errorMessage: str(g.scaleUp?.backoffInfo?.errorMessage) ?? '',
      };
    }
    const candidates = num(g.scaleDown?.candidates);
    if (candidates !== undefined) report.scaleDownCandidates = candidates;
    else if (str(g.scaleDown?.status) === 'NoCandidates') report.scaleDownCandidates = 0;
    out.set(name, report);
  }
  return out;
}
