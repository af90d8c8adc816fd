import type { CommandRunner, RunOptions, RunResult } from '@berth/exec';

/**
 * What every host-networking primitive needs: the runner all `ip`/`nft`/`sysctl` calls go
 * through, and the caller's abort signal.
 */
export interface NetContext {
  runner: CommandRunner;
  signal?: AbortSignal;
}

/** Every primitive bounds each command; `ip` and `nft` answer in milliseconds when healthy. */
const COMMAND_TIMEOUT_MS = 30_000;

export function run(
  ctx: NetContext,
  command: string,
  args: readonly string[],
  options: Omit<RunOptions, 'signal' | 'timeoutMs'> = {},
): Promise<RunResult> {
  return ctx.runner.run(command, args, {
    ...options,
    timeoutMs: COMMAND_TIMEOUT_MS,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
}

/** `ip` arguments that address namespace `ns` (or the host's namespace when undefined). */
export function ipArgs(ns: string | undefined, args: readonly string[]): string[] {
  return ns === undefined ? [...args] : ['-n', ns, ...args];
}

/** Runs `command args…` inside namespace `ns` (or in the host's namespace when undefined). */
export function runIn(
  ctx: NetContext,
  ns: string | undefined,
  command: string,
  args: readonly string[],
  options: Omit<RunOptions, 'signal' | 'timeoutMs'> = {},
): Promise<RunResult> {
  return ns === undefined
    ? run(ctx, command, args, options)
    : run(ctx, 'ip', ['netns', 'exec', ns, command, ...args], options);
}
