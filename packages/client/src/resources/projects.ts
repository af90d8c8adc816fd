/** Projects and their API tokens. */
import type {
  MemberCreateRequest,
  MemberKind,
  MemberList,
  Project,
  ProjectMember,
  ProjectCreateRequest,
  ProjectList,
  Token,
  TokenCreateRequest,
  TokenList,
  TokenWithSecret,
} from '@berth/api-types';
import { collectAll, type PageQuery } from '../pages.js';
import { paths } from '../paths.js';
import type { Transport } from '../transport.js';

export interface CallOptions {
  signal?: AbortSignal | undefined;
}

export type ListOptions = PageQuery & CallOptions;

export function projectsApi(t: Transport) {
  const list = (o: ListOptions = {}) =>
    t.json<ProjectList>({
      method: 'GET',
      path: paths.projects(),
      query: page(o),
      signal: o.signal,
    });
  return {
    list,
    listAll: (o: CallOptions = {}) => collectAll((q) => list({ ...q, ...o })),
    get: (project: string, o: CallOptions = {}) =>
      t.json<Project>({ method: 'GET', path: paths.project(project), signal: o.signal }),
    create: (request: ProjectCreateRequest, o: CallOptions = {}) =>
      t.json<Project>({ method: 'POST', path: paths.projects(), body: request, signal: o.signal }),
    delete: async (project: string, o: CallOptions = {}) => {
      await t.json<unknown>({ method: 'DELETE', path: paths.project(project), signal: o.signal });
    },
  };
}

export function tokensApi(t: Transport) {
  const list = (project: string, o: ListOptions = {}) =>
    t.json<TokenList>({
      method: 'GET',
      path: paths.tokens(project),
      query: page(o),
      signal: o.signal,
    });
  return {
    list,
    listAll: (project: string, o: CallOptions = {}) =>
      collectAll<Token>((q) => list(project, { ...q, ...o })),
    /** The answer carries `secret`, which the server never shows again. */
    create: (project: string, request: TokenCreateRequest, o: CallOptions = {}) =>
      t.json<TokenWithSecret>({
        method: 'POST',
        path: paths.tokens(project),
        body: request,
        signal: o.signal,
      }),
    revoke: async (project: string, id: string, o: CallOptions = {}) => {
      await t.json<unknown>({ method: 'DELETE', path: paths.token(project, id), signal: o.signal });
    },
  };
}

export function page(o: PageQuery): Record<string, string | number | undefined> {
  return { limit: o.limit, continue: o.continue };
}

export type ProjectsApi = ReturnType<typeof projectsApi>;
export type TokensApi = ReturnType<typeof tokensApi>;

/** Project members: roles of directory groups and users. */
export function membersApi(t: Transport) {
  return {
    list: (project: string, o: ListOptions = {}) =>
      t.json<MemberList>({
        method: 'GET',
        path: paths.members(project),
        query: page(o),
        signal: o.signal,
      }),
    put: (project: string, request: MemberCreateRequest, o: CallOptions = {}) =>
      t.json<ProjectMember>({
        method: 'POST',
        path: paths.members(project),
        body: request,
        signal: o.signal,
      }),
    delete: async (project: string, kind: MemberKind, name: string, o: CallOptions = {}) => {
      await t.json<unknown>({
        method: 'DELETE',
        path: paths.member(project, kind, name),
        signal: o.signal,
      });
    },
  };
}
