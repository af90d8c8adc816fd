/**
 * Directory users: sign-in (`POST /v1/login`), session tokens and project members. A session
 * token acts as its user: in each project with the highest role granted there to the user by name
 * or to one of their directory groups, and nowhere else.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ListMeta } from './meta.js';
import { Closed, NO_CONTROL_CHARS, StringEnum, Timestamp } from './schema-helpers.js';
import { TOKEN_ROLES } from './token.js';

/** Session secrets start with this (API token secrets with `berth_`). */
export const SESSION_SECRET_PREFIX = 'berths_';

const DirectoryName = Type.String({ minLength: 1, maxLength: 256, pattern: NO_CONTROL_CHARS });

export const LoginRequest = Closed(
  {
    username: DirectoryName,
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { title: 'LoginRequest' },
);
export type LoginRequest = Static<typeof LoginRequest>;

export const LoginResponse = Closed(
  {
    token: Type.String({ description: 'The session token (a bearer token), shown this once' }),
    expiresAt: Timestamp,
    username: Type.String(),
    groups: Type.Array(Type.String()),
  },
  { title: 'LoginResponse' },
);
export type LoginResponse = Static<typeof LoginResponse>;

export const MEMBER_KINDS = ['group', 'user'] as const;
export type MemberKind = (typeof MEMBER_KINDS)[number];

/** A role in a project granted to a directory group or user. */
export const ProjectMember = Closed(
  {
    kind: StringEnum(MEMBER_KINDS),
    name: Type.String({ description: 'The group or user name as the directory spells it' }),
    role: StringEnum(TOKEN_ROLES),
    createdAt: Timestamp,
  },
  { title: 'ProjectMember' },
);
export type ProjectMember = Static<typeof ProjectMember>;

export const MemberList = Closed({ metadata: ListMeta, items: Type.Array(ProjectMember) });
export type MemberList = Static<typeof MemberList>;

/** `{"group": "devs", "role": "member"}` or `{"user": "alice", "role": "viewer"}`. */
export const MemberCreateRequest = Closed(
  {
    group: Type.Optional(DirectoryName),
    user: Type.Optional(DirectoryName),
    role: StringEnum(TOKEN_ROLES),
  },
  { title: 'MemberCreateRequest' },
);
export type MemberCreateRequest = Static<typeof MemberCreateRequest>;
