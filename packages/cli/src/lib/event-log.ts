/**
 * `berth cluster events`: the history (all pages), or (`--follow`) the live stream until
 * Ctrl-C. Followed events print as lines in table mode and one document per event otherwise
 * (JSON lines, or YAML documents separated by `---`), so a pipe can read them as they come.
 */
import type { ClusterEvent } from '@berth/api-types';
import type { BerthClient } from '@berth/client';
import { serialize } from '../commands/output.js';
import type { CliIo } from './io.js';
import { eventLine } from './progress.js';
import type { OutputFormat } from './settings.js';

/** Every recorded event with an id above `since`, oldest first. */
export function eventHistory(
  client: BerthClient,
  project: string,
  cluster: string,
  since: number | undefined,
): Promise<ClusterEvent[]> {
  return client.listEvents(project, cluster, since ?? 0);
}

/** Prints the live events of a cluster until Ctrl-C (exit 0) or the server refuses the stream. */
export async function followEvents(
  client: BerthClient,
  project: string,
  cluster: string,
  since: number | undefined,
  format: OutputFormat,
  io: CliIo,
): Promise<void> {
  const stop = new AbortController();
  const stopListening = io.onInterrupt(() => stop.abort());
  try {
    for await (const e of client.streamEvents(project, cluster, { since, signal: stop.signal })) {
      io.stdout.write(formatFollowed(e, format));
    }
  } finally {
    stopListening();
  }
}

export function formatFollowed(e: ClusterEvent, format: OutputFormat): string {
  if (format === 'table') return `${eventLine(e)}\n`;
  if (format === 'json') return `${JSON.stringify(e)}\n`;
  return `---\n${serialize('yaml', e)}`;
}
