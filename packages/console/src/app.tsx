/**
 * The console's shell: the session (sign in, sign out), the header with project switcher and
 * theme toggle, and the page the URL names. Signed-out visits to any page go to sign-in and
 * come back to that page afterwards.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { TokenIdentity } from '@berth/api-types';
import { isApiError, type Fetch } from '@berth/client';
import {
  can,
  roleIn,
  clientFor,
  openSession,
  SessionContext,
  useSession,
  type Session,
} from './lib/api.js';
import { hrefs, Link, matchRoute, navigate, useLocation, type Route } from './lib/router.js';
import { prefetchList } from './lib/cluster-list.js';
import { tabTokenStore, type TokenStore } from './lib/session.js';
import { applyTheme, initialTheme, type Theme } from './lib/theme.js';
import { ErrorBanner, Notice } from './components/common.js';
import { ClusterPage } from './views/cluster.js';
import { ClustersPage } from './views/clusters.js';
import { CreateClusterPage } from './views/create.js';
import { ProjectsPage } from './views/projects.js';
import { SignInPage } from './views/sign-in.js';
import { TokensPage } from './views/tokens.js';

export interface AppProps {
  tokens?: TokenStore;
  /** For tests: the fetch the client uses and the API's origin. */
  fetch?: Fetch;
  endpoint?: string;
}

interface Signed {
  token: string;
  identity: TokenIdentity;
  projects: string[];
}

export function App({ tokens: givenTokens, fetch: fetchFn, endpoint }: AppProps) {
  const [tokens] = useState(() => givenTokens ?? tabTokenStore());
  const location = useLocation();
  const route = matchRoute(location);
  const [signed, setSigned] = useState<Signed>();
  const [restoring, setRestoring] = useState(() => tokens.get() !== undefined);
  const [restoreError, setRestoreError] = useState<unknown>();
  // On a reload of a clusters page, ask for the list while the token is being checked.
  const [prefetched] = useState(() => {
    const saved = tokens.get();
    const first = matchRoute(location);
    return saved && first.page === 'clusters'
      ? prefetchList(clientFor(saved, fetchFn, endpoint), first.project)
      : undefined;
  });
  const [theme, setTheme] = useState<Theme>(initialTheme);
  useEffect(() => applyTheme(theme, false), [theme]);

  const signIn = useCallback(
    async (token: string) => {
      const opened = await openSession(clientFor(token, fetchFn, endpoint));
      tokens.set(token);
      setSigned({ token, ...opened });
    },
    [tokens, fetchFn, endpoint],
  );
  const login = useCallback(
    async (username: string, password: string) => {
      const session = await clientFor('', fetchFn, endpoint).login(username, password);
      await signIn(session.token);
    },
    [signIn, fetchFn, endpoint],
  );
  const signOut = useCallback(() => {
    // A directory user's session ends on the server too; an API token stays valid (it is shared).
    if (signed?.identity.kind === 'user')
      void clientFor(signed.token, fetchFn, endpoint)
        .logout()
        .catch(() => undefined);
    tokens.clear();
    setSigned(undefined);
    navigate(hrefs.signIn(), { replace: true });
  }, [tokens, signed, fetchFn, endpoint]);

  // Once, on load: a token kept by this tab signs in again (a reload keeps the session).
  useEffect(() => {
    const saved = tokens.get();
    if (!saved) return;
    signIn(saved)
      .catch((err: unknown) => {
        if (isApiError(err) && err.status === 401) tokens.clear();
        else setRestoreError(err);
      })
      .finally(() => setRestoring(false));
  }, [tokens, signIn]);

  const session = useMemo<Session | undefined>(
    () =>
      signed && {
        client: clientFor(signed.token, fetchFn, endpoint),
        identity: signed.identity,
        projects: signed.projects,
        prefetched,
        signOut,
      },
    [signed, fetchFn, endpoint, signOut, prefetched],
  );
  const refreshProjects = useCallback(() => {
    if (signed) void signIn(signed.token).catch(() => undefined);
  }, [signed, signIn]);

  // Pages need a session; sign-in needs none. Redirects keep the page asked for.
  useEffect(() => {
    if (restoring) return;
    if (!session && route.page !== 'sign-in') navigate(hrefs.signIn(location), { replace: true });
    if (session && route.page === 'sign-in')
      navigate(safeNext(route.next) ?? home(session), { replace: true });
    if (session && route.page === 'home') navigate(home(session), { replace: true });
  }, [restoring, session, route, location]);

  if (restoring) return <p className="muted center">Signing in…</p>;
  if (!session) {
    return (
      <>
        <ErrorBanner error={restoreError} />
        {route.page === 'sign-in' ? <SignInPage onSignIn={signIn} onLogin={login} /> : null}
      </>
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <Header
        route={route}
        theme={theme}
        onTheme={(t) => {
          setTheme(t);
          applyTheme(t, true);
        }}
      />
      <main id="main" tabIndex={-1}>
        <Page route={route} onProjectsChanged={refreshProjects} />
      </main>
    </SessionContext.Provider>
  );
}

function home(session: Session): string {
  const project = session.projects.includes('default') ? 'default' : session.projects[0];
  return project ? hrefs.clusters(project) : hrefs.projects();
}

/** Only same-origin paths are followed after sign-in. */
function safeNext(next: string | undefined): string | undefined {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in')
    ? next
    : undefined;
}

function projectOf(route: Route): string | undefined {
  return 'project' in route ? route.project : undefined;
}

function Header({
  route,
  theme,
  onTheme,
}: {
  route: Route;
  theme: Theme;
  onTheme: (t: Theme) => void;
}) {
  const { identity, projects, signOut } = useSession();
  const project = projectOf(route) ?? projects[0] ?? 'default';
  const platformAdmin =
    identity.kind !== 'user' && identity.project === null && identity.role === 'admin';
  return (
    <header className="top">
      <Link className="brand" to={hrefs.clusters(project)}>
        Berth
      </Link>
      <nav aria-label="Main">
        <Link
          to={hrefs.clusters(project)}
          aria-current={route.page === 'clusters' ? 'page' : undefined}
        >
          Clusters
        </Link>
        {can(identity, 'admin', project) ? (
          <Link
            to={hrefs.tokens(project)}
            aria-current={route.page === 'tokens' ? 'page' : undefined}
          >
            Tokens
          </Link>
        ) : null}
        {platformAdmin ? (
          <Link to={hrefs.projects()} aria-current={route.page === 'projects' ? 'page' : undefined}>
            Projects
          </Link>
        ) : null}
      </nav>
      <div className="spacer" />
      {projects.length > 1 ? (
        <label className="project-switch">
          <span className="sr-only">Project</span>
          <select
            value={project}
            onChange={(e) => navigate(hrefs.clusters(e.target.value))}
            aria-label="Project"
          >
            {projects.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
      ) : (
        <span className="muted small">project {project}</span>
      )}
      <span className="who small" title={`${identity.kind ?? 'token'} ${identity.name}`}>
        {identity.name} · {roleIn(identity, project) ?? 'no role'}
      </span>
      <button
        type="button"
        onClick={() => onTheme(theme === 'dark' ? 'light' : 'dark')}
        aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
      >
        {theme === 'dark' ? '☀' : '☾'}
      </button>
      <button type="button" onClick={signOut}>
        Sign out
      </button>
    </header>
  );
}

function Page({ route, onProjectsChanged }: { route: Route; onProjectsChanged: () => void }) {
  switch (route.page) {
    case 'clusters':
      return <ClustersPage key={route.project} project={route.project} />;
    case 'create':
      return <CreateClusterPage project={route.project} />;
    case 'cluster':
      return (
        <ClusterPage
          key={`${route.project}/${route.cluster}`}
          project={route.project}
          name={route.cluster}
          tab={route.tab}
        />
      );
    case 'tokens':
      return <TokensPage key={route.project} project={route.project} />;
    case 'projects':
      return <ProjectsPage onChanged={onProjectsChanged} />;
    case 'not-found':
      return (
        <Notice>
          No page at <code>{route.path}</code>.
        </Notice>
      );
    default:
      return null;
  }
}
