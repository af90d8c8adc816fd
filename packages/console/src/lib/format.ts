/** Small pure formatters shared by the views. */
import type { ClusterPhase } from '@berth/api-types';

/** "42s", "5m", "3h", "2d": how long ago `iso` was, relative to `now` (ms). */
export function age(iso: string | undefined, now: number): string {
  if (!iso) return '—';
  const seconds = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

export type Tone = 'ok' | 'busy' | 'idle' | 'bad';

/** The badge colour of a phase: settled fine, changing, at rest, or failed. */
export function phaseTone(phase: ClusterPhase | string): Tone {
  switch (phase) {
    case 'Running':
      return 'ok';
    case 'Stopped':
      return 'idle';
    case 'Error':
      return 'bad';
    default:
      return 'busy';
  }
}

/** Parses "k=v, k2=v2" (commas or new lines) into labels; throws a message naming the bad part. */
export function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const part of splitList(text)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`"${part}" is not key=value`);
    labels[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return labels;
}

export function formatLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

export interface TaintInput {
  key: string;
  value: string;
  effect: string;
}

/** Parses "key=value:Effect" or "key:Effect" items; throws a message naming the bad part. */
export function parseTaints(text: string): TaintInput[] {
  return splitList(text).map((part) => {
    const m = /^([^=:\s]+)(?:=([^:\s]*))?:(\w+)$/.exec(part);
    if (!m) throw new Error(`"${part}" is not key=value:Effect`);
    return { key: m[1]!, value: m[2] ?? '', effect: m[3]! };
  });
}

export function formatTaints(taints: readonly TaintInput[]): string {
  return taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join(', ');
}

/** Items of a comma- or newline-separated list, trimmed, without empties. */
export function splitList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}
