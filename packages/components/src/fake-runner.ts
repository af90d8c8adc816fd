/**
 * A CommandRunner for unit tests: records every call and answers from a handler. Unanswered
 * calls succeed with empty output, so a test states only the answers it cares about.
 */
import type { CommandRunner, RunOptions, RunResult } from './runner.js';

export interface RecordedCall {
  command: string;
  args: string[];
  options: RunOptions;
}

export type FakeHandler = (
  call: RecordedCall,
) => Partial<RunResult> | undefined | Promise<Partial<RunResult> | undefined>;

export interface FakeRunner extends CommandRunner {
  readonly calls: RecordedCall[];
  /** The calls as `command arg arg…` lines, for compact assertions. */
  commandLines(): string[];
}

export function createFakeRunner(handler: FakeHandler = () => undefined): FakeRunner {
  const calls: RecordedCall[] = [];
  return {
    calls,
    commandLines: () => calls.map((c) => [c.command, ...c.args].join(' ')),
    async run(command, args, options = {}) {
      const call = { command, args, options };
      calls.push(call);
      const answer = (await handler(call)) ?? {};
      return {
        exitCode: answer.exitCode ?? 0,
        stdout: answer.stdout ?? '',
        stderr: answer.stderr ?? '',
      };
    },
  };
}
