/**
 * Project members: a role in a project granted to a directory group or user (by the name the
 * directory gives it). Granting again replaces the role. Deleting a project deletes its members.
 */
import type { Selectable } from 'kysely';
import type { MemberKind, ProjectMember, TokenRole } from '@berth/api-types';
import { errors } from '@berth/errors';
import type { ProjectMembersTable } from './database.js';
import { iso } from './object-rows.js';
import { decodeContinue, pageLimit, toPage, type Page, type PageRequest } from './page.js';
import type { Session } from './session.js';

export interface MemberGrant {
  project: string;
  kind: MemberKind;
  name: string;
  role: TokenRole;
}

function render(raw: Selectable<ProjectMembersTable>): ProjectMember {
  return {
    kind: raw.kind as MemberKind,
    name: raw.name,
    role: raw.role as TokenRole,
    createdAt: iso(Number(raw.created_at)),
  };
}

const keyOf = (m: { kind: string; name: string }) => `${m.kind}:${m.name}`;

export class MemberRepository {
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  /** Grants (or changes) a role; throws BERTH_ERR_PROJECT_NOT_FOUND. */
  async put(grant: MemberGrant): Promise<ProjectMember> {
    return this.#session.write(async (ctx) => {
      const project = await ctx.db
        .selectFrom('projects')
        .select('name')
        .where('name', '=', grant.project)
        .executeTakeFirst();
      if (!project) throw errors.notFound('Project', grant.project);
      const row = { ...grant, created_at: ctx.now };
      await ctx.db
        .insertInto('project_members')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['project', 'kind', 'name']).doUpdateSet({ role: grant.role }),
        )
        .execute();
      const stored = await ctx.db
        .selectFrom('project_members')
        .selectAll()
        .where('project', '=', grant.project)
        .where('kind', '=', grant.kind)
        .where('name', '=', grant.name)
        .executeTakeFirstOrThrow();
      return render(stored);
    });
  }

  /** A project's members ordered by kind, then name. */
  async list(project: string, request: PageRequest = {}): Promise<Page<ProjectMember>> {
    const limit = pageLimit(request);
    const after = decodeContinue(request.continue);
    return this.#session.read(async (db) => {
      const rows = await db
        .selectFrom('project_members')
        .selectAll()
        .where('project', '=', project)
        .orderBy('kind')
        .orderBy('name')
        .execute();
      const remaining = after === undefined ? rows : rows.filter((r) => keyOf(r) > after);
      const page = toPage(remaining.slice(0, limit + 1), limit, keyOf);
      return { ...page, items: page.items.map(render) };
    });
  }

  /** Revokes a grant; throws BERTH_ERR_MEMBER_NOT_FOUND. */
  async delete(project: string, kind: MemberKind, name: string): Promise<void> {
    await this.#session.write(async (ctx) => {
      const result = await ctx.db
        .deleteFrom('project_members')
        .where('project', '=', project)
        .where('kind', '=', kind)
        .where('name', '=', name)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw errors.notFound('Member', `${kind}:${name}`);
    });
  }

  /**
   * The role a user has in every project where they have one: the highest of the grants to the
   * user by name and to any of their groups.
   */
  async rolesOf(username: string, groups: readonly string[]): Promise<Record<string, TokenRole>> {
    const rows = await this.#session.read((db) =>
      db
        .selectFrom('project_members')
        .select(['project', 'role'])
        .where((eb) =>
          eb.or([
            eb.and([eb('kind', '=', 'user'), eb('name', '=', username)]),
            ...(groups.length > 0
              ? [eb.and([eb('kind', '=', 'group'), eb('name', 'in', [...groups])])]
              : []),
          ]),
        )
        .execute(),
    );
    const order: TokenRole[] = ['viewer', 'member', 'admin'];
    const roles: Record<string, TokenRole> = {};
    for (const { project, role } of rows) {
      const current = roles[project];
      if (current === undefined || order.indexOf(role as TokenRole) > order.indexOf(current))
        roles[project] = role as TokenRole;
    }
    return roles;
  }
}
