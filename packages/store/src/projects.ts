/** Projects: the tenancy boundary. `default` is created by the first start (see openStore). */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { API_VERSION, DEFAULT_PROJECT, type Labels, type Project } from '@berth/api-types';
import { BerthError, errors } from '@berth/errors';
import type { ProjectsTable } from './database.js';
import { iso, isUniqueViolation } from './object-rows.js';
import { decodeContinue, pageLimit, toPage, type Page, type PageRequest } from './page.js';
import type { Session } from './session.js';

export interface NewProject {
  name: string;
  labels?: Labels;
  description?: string;
}

function render(raw: Selectable<ProjectsTable>): Project {
  return {
    apiVersion: API_VERSION,
    kind: 'Project',
    metadata: {
      name: raw.name,
      uid: raw.uid,
      resourceVersion: String(Number(raw.resource_version)),
      labels: JSON.parse(raw.labels) as Labels,
      createdAt: iso(Number(raw.created_at)),
    },
    spec: { description: raw.description },
  };
}

function alreadyExists(name: string): BerthError {
  return new BerthError('BERTH_ERR_ALREADY_EXISTS', `project "${name}" already exists`, {
    field: 'metadata.name',
  });
}

export class ProjectRepository {
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  /** Throws BERTH_ERR_ALREADY_EXISTS. */
  async create(input: NewProject): Promise<Project> {
    return this.#session.write(async (ctx) => {
      const existing = await ctx.db
        .selectFrom('projects')
        .select('name')
        .where('name', '=', input.name)
        .executeTakeFirst();
      if (existing) throw alreadyExists(input.name);
      const version = await ctx.nextVersion();
      const uid = randomUUID();
      const row = {
        name: input.name,
        uid,
        resource_version: version,
        labels: JSON.stringify(input.labels ?? {}),
        description: input.description ?? '',
        created_at: ctx.now,
      };
      await ctx.db
        .insertInto('projects')
        .values(row)
        .execute()
        .catch((err: unknown) => {
          throw isUniqueViolation(err) ? alreadyExists(input.name) : err;
        });
      await ctx.recordChange({
        id: version,
        kind: 'Project',
        type: 'upsert',
        project: input.name,
        name: input.name,
        uid,
      });
      return render(row);
    });
  }

  /** Creates the project unless it exists; used for `default` at every start. */
  async ensure(input: NewProject): Promise<Project> {
    const existing = await this.get(input.name);
    if (existing) return existing;
    return this.create(input).catch(async (err: unknown) => {
      const raced = await this.get(input.name);
      if (raced) return raced;
      throw err;
    });
  }

  async get(name: string): Promise<Project | undefined> {
    const raw = await this.#load(name);
    return raw && render(raw);
  }

  /** Like `get`, but throws BERTH_ERR_PROJECT_NOT_FOUND. */
  async require(name: string): Promise<Project> {
    const project = await this.get(name);
    if (!project) throw errors.notFound('Project', name);
    return project;
  }

  /** One page in name order; `only` restricts to the named projects (a token's scope). */
  async list(request: PageRequest = {}, only?: readonly string[]): Promise<Page<Project>> {
    const limit = pageLimit(request);
    const after = decodeContinue(request.continue);
    return this.#session.read(async (db) => {
      let query = db.selectFrom('projects').selectAll();
      if (only !== undefined) query = query.where('name', 'in', only.length > 0 ? [...only] : ['']);
      if (after !== undefined) query = query.where('name', '>', after);
      const rows = await query
        .orderBy('name')
        .limit(limit + 1)
        .execute();
      const page = toPage(rows, limit, (r) => r.name);
      return { ...page, items: page.items.map(render) };
    });
  }

  /**
   * Deletes an empty project with its tokens and members. Throws BERTH_ERR_CONFLICT while it still has
   * clusters, and for `default`, which always exists.
   */
  async delete(name: string): Promise<void> {
    if (name === DEFAULT_PROJECT) throw errors.conflict('the default project cannot be deleted');
    await this.#session.write(async (ctx) => {
      const raw = await ctx.db
        .selectFrom('projects')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      if (!raw) throw errors.notFound('Project', name);
      const cluster = await ctx.db
        .selectFrom('clusters')
        .select('name')
        .where('project', '=', name)
        .executeTakeFirst();
      if (cluster) {
        throw errors.conflict(
          `project "${name}" still has clusters (e.g. "${cluster.name}"); delete them first`,
        );
      }
      await ctx.db.deleteFrom('tokens').where('project', '=', name).execute();
      await ctx.db.deleteFrom('project_members').where('project', '=', name).execute();
      await ctx.db.deleteFrom('operations').where('project', '=', name).execute();
      await ctx.db.deleteFrom('projects').where('name', '=', name).execute();
      const version = await ctx.nextVersion();
      await ctx.recordChange({
        id: version,
        kind: 'Project',
        type: 'delete',
        project: name,
        name,
        uid: raw.uid,
      });
    });
  }

  #load(name: string): Promise<Selectable<ProjectsTable> | undefined> {
    return this.#session.read((db) =>
      db.selectFrom('projects').selectAll().where('name', '=', name).executeTakeFirst(),
    );
  }
}
