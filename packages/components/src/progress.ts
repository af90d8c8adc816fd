/**
 * Progress of an install, reported while it runs so a user watching a six-minute cold build
 * sees what is happening. The CLI renders these events; tests assert on them.
 */
import type { BinarySource } from './cache.js';

interface Subject {
  component: string;
  version: string;
}

export type InstallEvent =
  | (Subject & { type: 'cached' })
  | (Subject & { type: 'unavailable'; reason: string })
  | (Subject & { type: 'waiting-for-lock' })
  | (Subject & { type: 'note'; message: string })
  | (Subject & { type: 'binary-start'; binary: string; source: BinarySource })
  | (Subject & {
      type: 'binary-tick';
      binary: string;
      source: BinarySource;
      elapsedSeconds: number;
    })
  | (Subject & {
      type: 'binary-done';
      binary: string;
      source: BinarySource;
      elapsedSeconds: number;
      size: number;
    });

export type ProgressListener = (event: InstallEvent) => void;

const VERB: Record<BinarySource, string> = {
  built: 'building',
  imported: 'importing',
  downloaded: 'downloading',
};

/** One human line per event; undefined for ticks, which a renderer shows its own way. */
export function describeEvent(event: InstallEvent): string | undefined {
  const what = `${event.component} ${event.version}`;
  switch (event.type) {
    case 'cached':
      return `${what}: cached and verified`;
    case 'unavailable':
      return `${what}: ${event.reason}`;
    case 'waiting-for-lock':
      return `${what}: another install holds the lock; waiting`;
    case 'note':
      return `${what}: ${event.message}`;
    case 'binary-start':
      return `${what}: ${VERB[event.source]} ${event.binary}`;
    case 'binary-tick':
      return undefined;
    case 'binary-done':
      return `${what}: ${event.binary} ${event.source} in ${event.elapsedSeconds}s (${formatSize(event.size)})`;
  }
}

export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
