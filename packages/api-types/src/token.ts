/**
 * API tokens. A token belongs to one project (or, for the platform's own admin token, to all of
 * them: `project` null) and has a role: `viewer` reads, `member` also changes clusters and node
 * groups, `admin` also manages tokens (and, when platform-wide, projects). The secret is returned
 * only in the create response; the store keeps a hash and a short prefix for identification.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ListMeta } from './meta.js';
import { Closed, NO_CONTROL_CHARS, StringEnum, Timestamp } from './schema-helpers.js';

export const TOKEN_ROLES = ['viewer', 'member', 'admin'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

/** True when `role` includes everything `needed` may do (admin ⊃ member ⊃ viewer). */
export function roleAllows(role: TokenRole, needed: TokenRole): boolean {
  return TOKEN_ROLES.indexOf(role) >= TOKEN_ROLES.indexOf(needed);
}

/** Every secret starts with this, so scanners and people recognise a leaked Berth token. */
export const TOKEN_SECRET_PREFIX = 'berth_';

export const Token = Closed(
  {
    id: Type.String(),
    name: Type.String(),
    project: Type.Union([Type.String(), Type.Null()], {
      description: 'The project it acts in; null for a platform-wide token',
    }),
    role: StringEnum(TOKEN_ROLES),
    prefix: Type.String({ description: 'First characters of the secret, for identification' }),
    createdAt: Timestamp,
    expiresAt: Type.Optional(Timestamp),
  },
  { title: 'Token' },
);
export type Token = Static<typeof Token>;

/** The create response: the token plus its secret, shown this once. */
export const TokenWithSecret = Closed(
  { ...Token.properties, secret: Type.String() },
  { title: 'TokenWithSecret' },
);
export type TokenWithSecret = Static<typeof TokenWithSecret>;

export const TokenCreateRequest = Closed({
  name: Type.String({ minLength: 1, maxLength: 100, pattern: NO_CONTROL_CHARS }),
  role: StringEnum(TOKEN_ROLES),
  expiresAt: Type.Optional(Timestamp),
});
export type TokenCreateRequest = Static<typeof TokenCreateRequest>;

export const TokenList = Closed({
  metadata: ListMeta,
  items: Type.Array(Token),
});
export type TokenList = Static<typeof TokenList>;

/**
 * `GET /v1/whoami`: who the request's token is — what a client may show or offer with it. For an
 * API token (`kind: token`) its project and role. For a directory user's session (`kind: user`)
 * `project` is null (a session is not bound to one project), `role` is the highest role it holds
 * anywhere, and `roles` says which role it has in which project; `groups` are its directory
 * groups as last checked.
 */
export const TokenIdentity = Closed(
  {
    id: Type.String(),
    kind: StringEnum(['token', 'user'] as const),
    name: Type.String(),
    project: Token.properties.project,
    role: StringEnum(TOKEN_ROLES),
    groups: Type.Optional(Type.Array(Type.String())),
    roles: Type.Optional(Type.Record(Type.String(), StringEnum(TOKEN_ROLES))),
    expiresAt: Type.Optional(Timestamp),
  },
  { title: 'TokenIdentity' },
);
export type TokenIdentity = Static<typeof TokenIdentity>;
