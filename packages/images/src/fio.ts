/**
 * fio as Berth's storage benchmarks use it (`berth/fio`, see platform-images.ts): its version
 * string and the IOPS of its JSON report. Pure.
 */
import { errors } from '@berth/errors';

export interface FioIops {
  /** Read I/Os per second, summed over the report's jobs. */
  readIops: number;
  writeIops: number;
}

/**
 * `3.33` from `fio --version` (`fio-3.33`): an OCI tag, so letters, digits, `.`, `_`, `-`.
 * @throws BERTH_ERR_VALIDATION for anything else
 */
export function fioVersion(versionOutput: string): string {
  const match = /^fio-(\d[\w.-]*)$/.exec(versionOutput.trim());
  if (!match) throw errors.invalid('fio', `not fio's version: "${versionOutput.trim()}"`);
  return match[1]!;
}

/**
 * The IOPS of `fio --output-format=json` output: `jobs[].read.iops` and `.write.iops`, summed
 * (one job, or one per group with `--group_reporting`). fio may print notes ("note: both iodepth
 * >= 1 and synchronous I/O engine are selected…") on stdout before the JSON; they are skipped.
 * @throws BERTH_ERR_VALIDATION when there is no JSON report with jobs
 */
export function parseFioIops(output: string): FioIops {
  const start = output.search(/^\{/m);
  let report: unknown;
  try {
    report = start < 0 ? undefined : JSON.parse(output.slice(start));
  } catch {
    report = undefined;
  }
  const jobs = (report as { jobs?: unknown } | undefined)?.jobs;
  if (!Array.isArray(jobs) || jobs.length === 0)
    throw errors.invalid('fio', `no fio JSON report with jobs: "${output.slice(0, 200)}"`);
  const sum = (kind: 'read' | 'write') =>
    jobs.reduce((total: number, job: Record<string, { iops?: unknown } | undefined>) => {
      const iops = job[kind]?.iops;
      return total + (typeof iops === 'number' ? iops : 0);
    }, 0);
  return { readIops: sum('read'), writeIops: sum('write') };
}
