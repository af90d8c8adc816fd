import { appendOutput } from './capture.js';
import { commandFailed, type CommandRunner, type RunOptions, type RunResult } from './runner.js';

export interface FakeResponse {
  exitCode?: number;
  stdout?: string;
  stderr?: string;
}

export interface FakeCall {
  command: string;
  args: readonly string[];
  options: RunOptions;
}

/**
 * A scripted answer: fixed, or computed from the call (it may write files a real command
 * would, wait, or throw as a runner does when a command cannot start). `undefined` is success
 * with empty output.
 */
export type FakeAnswer =
  FakeResponse | ((call: FakeCall) => FakeResponse | undefined | Promise<FakeResponse | undefined>);

type Matcher = (command: string, args: readonly string[]) => boolean;

/**
 * A CommandRunner for unit tests: records every call and answers from scripted responses,
 * first matching rule wins; unmatched calls get `fallback` (default: success, empty output).
 * It keeps the runner contract: a non-zero exit throws unless `check: false`, output passes
 * through `onOutput` and is cut to `maxOutputChars`.
 */
export class FakeRunner implements CommandRunner {
  readonly calls: FakeCall[] = [];
  private readonly rules: Array<{ match: Matcher; respond: FakeAnswer }> = [];

  constructor(private readonly fallback: FakeAnswer = {}) {}

  /** Answers calls whose command line (`cmd arg1 arg2…`) starts with `prefix`. */
  on(prefix: string | Matcher, respond: FakeAnswer): this {
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
    const call = { command, args, options };
    this.calls.push(call);
    const respond = this.rules.find((r) => r.match(command, args))?.respond ?? this.fallback;
    const answer = (typeof respond === 'function' ? await respond(call) : respond) ?? {};
    const max = options.maxOutputChars;
    const result: RunResult = {
      command,
      args,
      exitCode: answer.exitCode ?? 0,
      stdout: appendOutput('', answer.stdout ?? '', max),
      stderr: appendOutput('', answer.stderr ?? '', max),
      durationMs: 0,
    };
    if (answer.stdout) options.onOutput?.(answer.stdout, 'stdout');
    if (answer.stderr) options.onOutput?.(answer.stderr, 'stderr');
    if (result.exitCode !== 0 && options.check !== false) throw commandFailed(result);
    return result;
  }
}
