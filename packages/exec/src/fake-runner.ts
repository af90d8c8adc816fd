import { commandFailed, type CommandRunner, type RunOptions, type RunResult } from './runner.js';

export interface FakeResponse {
  exitCode?: number;
  stdout?: string;
  stderr?: string;
}

type Matcher = (command: string, args: readonly string[]) => boolean;

/**
 * A CommandRunner for unit tests: records every call and answers from scripted responses,
 * first matching rule wins; unmatched calls succeed with empty output.
 */
export class FakeRunner implements CommandRunner {
  readonly calls: Array<{ command: string; args: readonly string[]; options: RunOptions }> = [];
  private readonly rules: Array<{ match: Matcher; respond: FakeResponse | (() => FakeResponse) }> =
    [];

  /** Answers calls whose command line (`cmd arg1 arg2…`) starts with `prefix`. */
  on(prefix: string | Matcher, respond: FakeResponse | (() => FakeResponse)): this {
    const match: Matcher =
      typeof prefix === 'string'
        ? (command, args) => [command, ...args].join(' ').startsWith(prefix)
        : prefix;
    this.rules.push({ match, respond });
    return this;
  }

  /** The recorded command lines, joined with spaces, for compact assertions. */
  lines(): string[] {
    return this.calls.map((c) => [c.command, ...c.args].join(' '));
  }

  async run(
    command: string,
    args: readonly string[],
    options: RunOptions = {},
  ): Promise<RunResult> {
    this.calls.push({ command, args, options });
    const rule = this.rules.find((r) => r.match(command, args));
    const answer = typeof rule?.respond === 'function' ? rule.respond() : (rule?.respond ?? {});
    const result: RunResult = {
      command,
      args,
      exitCode: answer.exitCode ?? 0,
      stdout: answer.stdout ?? '',
      stderr: answer.stderr ?? '',
      durationMs: 0,
    };
    if (result.stdout) options.onOutput?.(result.stdout, 'stdout');
    if (result.exitCode !== 0 && options.check !== false) throw commandFailed(result);
    return result;
  }
}
