/** Durations on the command line: `90s`, `30m`, `1h30m`, `2h`; a bare number means seconds. */
import { UsageError } from './exit.js';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** Milliseconds in `text`; throws UsageError naming the option when it is not a duration. */
export function parseDuration(text: string, option = '--timeout'): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  const parts = [...trimmed.matchAll(/(\d+)(ms|h|m|s)/g)];
  const covered = parts.map((p) => p[0]).join('');
  if (parts.length === 0 || covered !== trimmed) {
    throw new UsageError(`${option} "${text}": not a duration (examples: 90s, 30m, 1h30m)`);
  }
  const ms = parts.reduce(
    (sum, p) => sum + Number(p[1]) * UNIT_MS[p[2] as keyof typeof UNIT_MS],
    0,
  );
  if (ms <= 0) throw new UsageError(`${option} "${text}": must be longer than zero`);
  return ms;
}
