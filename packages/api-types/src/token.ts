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

/** `GET /v1/whoami`: the token a request carries — what a client may show or offer with it. */
export const TokenIdentity = Closed(
  {
    id: Type.String(),
    name: Type.String(),
    project: Token.properties.project,
    role: StringEnum(TOKEN_ROLES),
  },
  { title: 'TokenIdentity' },
);
export type TokenIdentity = Static<typeof TokenIdentity>;
