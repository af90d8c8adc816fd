/**
 * A small History-API router: every page has its own path (deep links, reload, back and
 * forward work; berth server answers unknown paths with index.html). `navigate` pushes a
 * history entry; `<Link>` is a real `<a href>` so middle-click and "copy link" work too.
 */
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const CHANGE = 'berth:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

/** The current path and query, re-rendering on every navigation. */
export function useLocation(): string {
  return useSyncExternalStore(subscribe, snapshot, () => '/');
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(CHANGE));
}

export function Link({
  to,
  onClick,
  ...rest
}: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const click = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey)
      return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={click} {...rest} />;
}

export type Route =
  | { page: 'sign-in'; next: string | undefined }
  | { page: 'home' }
  | { page: 'projects' }
  | { page: 'clusters'; project: string }
  | { page: 'create'; project: string }
  | { page: 'cluster'; project: string; cluster: string; tab: ClusterTab }
  | { page: 'tokens'; project: string }
  | { page: 'not-found'; path: string };

export const CLUSTER_TABS = [
  'overview',
  'nodegroups',
  'nodes',
  'infrastructure',
  'events',
  'charts',
  'monitoring',
] as const;
export type ClusterTab = (typeof CLUSTER_TABS)[number];

/** Which page a path shows. Names are percent-decoded; a malformed escape is not found. */
export function matchRoute(location: string): Route {
  const [path = '/', query = ''] = location.split('?');
  let parts: string[];
  try {
    parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return { page: 'not-found', path };
  }
  const [a, p, b, c, tab, ...more] = parts;
  if (parts.length === 0) return { page: 'home' };
  if (a === 'sign-in' && parts.length === 1)
    return { page: 'sign-in', next: new URLSearchParams(query).get('next') ?? undefined };
  if (a === 'projects' && parts.length === 1) return { page: 'projects' };
  if (a === 'projects' && p !== undefined) {
    if (b === 'clusters' && c === undefined) return { page: 'clusters', project: p };
    if (b === 'create' && c === undefined) return { page: 'create', project: p };
    if (b === 'clusters' && c !== undefined && more.length === 0) {
      const t = (tab ?? 'overview') as ClusterTab;
      if (CLUSTER_TABS.includes(t)) return { page: 'cluster', project: p, cluster: c, tab: t };
    }
    if (b === 'tokens' && c === undefined) return { page: 'tokens', project: p };
    if (b === undefined) return { page: 'clusters', project: p };
  }
  return { page: 'not-found', path };
}

const seg = encodeURIComponent;
export const hrefs = {
  signIn: (next?: string) => (next ? `/sign-in?next=${seg(next)}` : '/sign-in'),
  projects: () => '/projects',
  clusters: (p: string) => `/projects/${seg(p)}/clusters`,
  create: (p: string) => `/projects/${seg(p)}/create`,
  cluster: (p: string, c: string, tab: ClusterTab = 'overview') =>
    `/projects/${seg(p)}/clusters/${seg(c)}${tab === 'overview' ? '' : `/${tab}`}`,
  tokens: (p: string) => `/projects/${seg(p)}/tokens`,
};
