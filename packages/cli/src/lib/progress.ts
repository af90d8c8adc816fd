/**
 * Live progress of a waited-for operation, on stderr so stdout stays machine-readable. On a
 * terminal: a progress bar (percentage, phase, elapsed time, latest event) with each event logged
 * above it. Elsewhere (CI, pipes): one timestamped line per event and per operation change.
 */
import cliProgress from 'cli-progress';
import type { ClusterEvent, Operation } from '@berth/api-types';
import type { CliIo } from './io.js';

export interface ProgressReporter {
  event(event: ClusterEvent): void;
  operation(operation: Operation): void;
  /** Ends the display; safe to call more than once. */
  stop(): void;
}

export function progressReporter(io: CliIo): ProgressReporter {
  return io.stderr.isTTY ? barReporter(io) : lineReporter(io);
}

/** `2025-06-01T12:00:03Z  Normal   ServersCreated   3 servers created` */
export function eventLine(e: ClusterEvent): string {
  const object = e.object ? ` ${e.object.kind}/${e.object.name}` : '';
  return `${stamp(e.time)}  ${e.type.padEnd(7)}  ${e.reason}${object}: ${e.message}`;
}

/** `2025-06-01T12:00:04Z  operation op-1 Running 40%: creating servers` */
export function operationLine(op: Operation, now: Date): string {
  const detail = op.error?.detail ?? op.message;
  return `${stamp(now.toISOString())}  operation ${op.id} ${op.phase} ${op.progress}%${detail ? `: ${detail}` : ''}`;
}

function stamp(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z');
}

function lineReporter(io: CliIo): ProgressReporter {
  return {
    event: (e) => io.stderr.write(`${eventLine(e)}\n`),
    operation: (op) => io.stderr.write(`${operationLine(op, io.now())}\n`),
    stop: () => undefined,
  };
}

function barReporter(io: CliIo): ProgressReporter {
  const multi = new cliProgress.MultiBar(
    {
      stream: io.stderr as NodeJS.WritableStream,
      format: '{bar} {percentage}% | {phase} | {duration_formatted} | {message}',
      hideCursor: true,
      clearOnComplete: false,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = multi.create(100, 0, { phase: 'Pending', message: 'waiting for the operation' });
  // The bar must fit on one line or every redraw scrolls; the fixed part is about 70 columns.
  const room = Math.max(20, (io.stderr.columns ?? 80) - 70);
  const fit = (text: string) => (text.length > room ? `${text.slice(0, room - 1)}…` : text);
  let stopped = false;
  return {
    event: (e) => {
      multi.log(`${eventLine(e)}\n`);
      bar.update({ message: fit(`${e.reason}: ${e.message}`) });
    },
    operation: (op) => bar.update(op.progress, { phase: op.phase, message: fit(op.message) }),
    stop: () => {
      if (stopped) return;
      stopped = true;
      multi.stop();
    },
  };
}
