/** Plain-text tables as `kubectl get` prints them: upper-case headers, columns padded to align. */

/** Rows of cells under `headers`, columns separated by three spaces, no trailing blanks. */
export function renderTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell + ' '.repeat(Math.max(0, (widths[i] ?? 0) - width(cell))))
      .join('   ')
      .trimEnd();
  return [headers, ...rows].map(line).join('\n') + '\n';
}

/** Width in characters (code points), so accented names still line up. */
function width(text: string): number {
  return [...text].length;
}

/** Cell text: one line, `-` for nothing. */
export function cell(value: unknown): string {
  if (value === undefined || value === null || value === '') return '-';
  return String(value).replace(/\s*\n\s*/g, ' ');
}

/** Age of `timestamp` at `now` the way kubectl shows it: 42s, 17m, 5h, 3d. */
export function age(timestamp: string | undefined, now: Date): string {
  if (!timestamp) return '-';
  const seconds = Math.max(0, Math.floor((now.getTime() - Date.parse(timestamp)) / 1000));
  if (Number.isNaN(seconds)) return '-';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}
