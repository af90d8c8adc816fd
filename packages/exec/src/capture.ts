/** `captured + chunk`, cut to its last `max` characters when `max` is set (`maxOutputChars`). */
export function appendOutput(captured: string, chunk: string, max: number | undefined): string {
  const all = captured + chunk;
  return max === undefined || all.length <= max ? all : all.slice(-max);
}
