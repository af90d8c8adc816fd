/**
 * An installed addon's phase from what its workloads report, as a pure function: `Installed`
 * once every Deployment and DaemonSet has all its pods available and every APIService is
 * Available; `Failed` once it has waited
 * longer than the timeout (with the pods' own reason, e.g. Unschedulable, when they give one);
 * `Installing` until then.
 */
import type { AddonPhase } from '@berth/api-types';
import type { AddonWorkload } from '@berth/controller-ports';

export interface Judgement {
  phase: AddonPhase;
  reason: string;
  message: string;
}

export function judgeWorkloads(
  workloads: readonly AddonWorkload[],
  expected: number,
  waitedMs: number,
  timeoutMs: number,
): Judgement {
  const waiting = workloads.filter((w) => w.desired === 0 || w.available < w.desired);
  if (workloads.length >= expected && waiting.length === 0) {
    const pods = workloads.reduce((n, w) => n + w.available, 0);
    return { phase: 'Installed', reason: 'WorkloadsAvailable', message: `${pods} pods available` };
  }
  if (workloads.length < expected)
    return timedOut(waitedMs, timeoutMs, 'WorkloadsMissing', 'waiting for its workloads to appear');
  const first = waiting[0]!;
  const where = first.namespace === '' ? first.name : `${first.namespace}/${first.name}`;
  const what = `${first.kind.toLowerCase()} ${where}: ${first.available}/${first.desired} available`;
  if (first.problem !== undefined)
    return timedOut(waitedMs, timeoutMs, first.problem.reason, `${what}: ${first.problem.message}`);
  return timedOut(waitedMs, timeoutMs, 'WorkloadNotReady', what);
}

function timedOut(waitedMs: number, timeoutMs: number, reason: string, message: string): Judgement {
  if (waitedMs < timeoutMs) return { phase: 'Installing', reason, message };
  const after = `not ready after ${Math.round(waitedMs / 1000)} s`;
  return { phase: 'Failed', reason, message: `${message} (${after})` };
}
