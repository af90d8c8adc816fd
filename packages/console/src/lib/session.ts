/**
 * The signed-in token, held for this browser tab only: `sessionStorage` is per tab and is
 * cleared when the tab closes; the token never goes into a URL, a cookie or `localStorage`.
 */
const KEY = 'berth.token';

export interface TokenStore {
  get(): string | undefined;
  set(token: string): void;
  clear(): void;
}

export function tabTokenStore(storage: Storage = globalThis.sessionStorage): TokenStore {
  return {
    get: () => storage.getItem(KEY) ?? undefined,
    set: (token) => storage.setItem(KEY, token),
    clear: () => storage.removeItem(KEY),
  };
}
