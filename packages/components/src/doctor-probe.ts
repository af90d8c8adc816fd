/**
 * What every `berth doctor` probe shares: the check it reports, the dependencies it gets, and
 * the way it runs a command (a failure is a finding, never an exception).
 */
import type { CommandRunner, RunResult } from '@berth/exec';
import type { ComponentStore } from './store.js';

export interface DoctorCheck {
  name: string;
  ok: boolean;
  /** A required check that fails makes `berth doctor` exit non-zero. */
  required: boolean;
  detail: string;
  /** The command (or step) that fixes a miss. */
  fix?: string;
}

export interface DoctorDeps {
  runner: CommandRunner;
  store: ComponentStore;
  componentsDir: string;
  /** Path of scripts/install-host-deps, for fix hints. */
  hostDepsScript: string;
  /**
   * Name of the throwaway network namespace; unique per run. Probes that need one of their own
   * add a suffix (`<name>-nft`).
   */
  netnsName?: string;
}

export type Probe = (deps: DoctorDeps) => Promise<DoctorCheck>;

/**
 * Runs a probe command. A failure is a finding, not an error: a non-zero exit resolves, and a
 * command that is not installed resolves with exit 127 and `<command>: command not found`.
 */
export function probeCommand(
  runner: CommandRunner,
  command: string,
  args: string[],
  input?: string,
): Promise<RunResult> {
  return runner.run(
    command,
    args,
    input === undefined ? { check: false } : { check: false, input },
  );
}

/** The first line a command printed, stdout before stderr (some tools print versions there). */
export function firstLine(r: RunResult): string {
  return (r.stdout.trim() || r.stderr.trim()).split('\n')[0] ?? '';
}

/** The throwaway network namespace's name for this run, with a probe's suffix. */
export function throwawayNetnsName(deps: DoctorDeps, suffix = ''): string {
  return `${deps.netnsName ?? `berth-doctor-${process.pid}`}${suffix}`;
}
