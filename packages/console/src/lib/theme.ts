/** Light or dark: the system's choice unless the person picked one (kept in localStorage). */
export type Theme = 'light' | 'dark';
const KEY = 'berth.theme';

export function initialTheme(): Theme {
  const saved = globalThis.localStorage?.getItem(KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(theme: Theme, remember: boolean): void {
  document.documentElement.dataset.theme = theme;
  if (remember) globalThis.localStorage?.setItem(KEY, theme);
}
