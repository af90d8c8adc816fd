/**
 * Waiting for long actions: `--wait` on the commands that start one, and `berth wait OPERATION`
 * to pick a wait up again. Progress goes to stderr; the exit code says how it ended (0 succeeded,
 * 2 failed, 3 timed out, 130 Ctrl-C — which stops only the waiting, never the operation).
 */
import type { Command } from 'commander';
import type { Operation } from '@berth/api-types';
import type { Accepted, BerthClient } from '@berth/client';
import { parseDuration } from '../lib/duration.js';
import { action, InterruptedError } from '../lib/exit.js';
import { processIo, type CliIo } from '../lib/io.js';
import { progressReporter } from '../lib/progress.js';
import { addGlobalOptions, connect } from '../lib/settings.js';
import { operationView } from '../lib/views.js';
import { printer, type Printer } from './output.js';

export const DEFAULT_TIMEOUT = '30m';

export interface WaitFlags {
  wait?: boolean;
  timeout: string;
}

/** The wait a command's flags ask for: undefined without `--wait`; checked before any request. */
export function waitTimeoutMs(flags: WaitFlags): number | undefined {
  return flags.wait ? parseDuration(flags.timeout) : undefined;
}

/** Adds `--wait` and `--timeout` to a command that starts an operation. */
export function addWaitOptions(cmd: Command): Command {
  return cmd
    .option('--wait', 'wait for the operation to finish, showing its progress')
    .option('--timeout <duration>', 'how long --wait waits (e.g. 90s, 30m, 1h)', DEFAULT_TIMEOUT);
}

/**
 * Follows `operation` to its end with live progress. Resolves with the succeeded operation;
 * throws OperationFailedError, WaitTimeoutError or InterruptedError (see exit.ts for the codes).
 */
export async function followOperation(
  client: BerthClient,
  operation: Operation,
  io: CliIo,
  timeoutMs: number,
): Promise<Operation> {
  const interrupt = new AbortController();
  const stopListening = io.onInterrupt(() => interrupt.abort());
  const reporter = progressReporter(io);
  try {
    return await client.waitForOperation(operation.id, {
      signal: interrupt.signal,
      timeoutMs,
      onEvent: (e) => reporter.event(e),
      onOperation: (op) => reporter.operation(op),
    });
  } catch (err) {
    if (!interrupt.signal.aborted) throw err;
    reporter.stop();
    throw new InterruptedError(
      `stopped waiting; operation ${operation.id} carries on.\n` + resumeHint(operation),
    );
  } finally {
    reporter.stop();
    stopListening();
  }
}

/** How to look at an operation again after leaving it. */
export function resumeHint(op: Operation): string {
  const { cluster } = op.target;
  return [
    `  berth wait ${op.id}                 # wait again`,
    `  berth cluster get ${cluster}`,
    `  berth cluster events ${cluster} --follow`,
  ].join('\n');
}

export function registerWaitCommand(program: Command, io: CliIo = processIo()): void {
  const wait = program
    .command('wait')
    .description('wait for an operation to finish, showing its progress')
    .argument('<operation>', 'operation id, as printed by the command that started it')
    .option('--timeout <duration>', 'give up after this long (e.g. 90s, 30m, 1h)', DEFAULT_TIMEOUT);
  addGlobalOptions(wait).action(
    action(io, async (id: string, opts: { timeout: string }, cmd: Command) => {
      const timeoutMs = parseDuration(opts.timeout);
      const { client, settings } = await connect(cmd, io);
      const op = await client.operations.get(id);
      const done = await followOperation(client, op, io, timeoutMs);
      printer(settings.output, io).one(done, operationView);
    }),
  );
}

export interface ActionContext {
  client: BerthClient;
  io: CliIo;
  out: Printer;
}

/**
 * The end of every command that starts an operation: without `--wait`, report the operation and
 * how to follow it; with it, follow the operation and hand the result to `done`.
 */
export async function concludeAction(
  ctx: ActionContext,
  accepted: Accepted<unknown>,
  what: string,
  timeoutMs: number | undefined,
  done: (operation: Operation) => Promise<void>,
): Promise<void> {
  const { operation } = accepted;
  if (timeoutMs === undefined) {
    ctx.out.result(
      accepted,
      `${what}: accepted, operation ${operation.id}\nFollow it with: berth wait ${operation.id}`,
    );
    return;
  }
  ctx.out.note(`${what}: accepted, operation ${operation.id}; waiting (Ctrl-C stops waiting only)`);
  await done(await followOperation(ctx.client, operation, ctx.io, timeoutMs));
}
