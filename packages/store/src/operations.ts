/**
 * Operations: progress records of long actions. The API creates them `Pending`; controllers
 * advance and finish them through `update` (phase, progress, message, error). Finishing sets
 * `finishedAt`; a finished operation never changes again.
 */
import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import {
  isOperationFinished,
  type Operation,
  type OperationKind,
  type OperationPhase,
  type OperationTarget,
  type ProblemBody,
} from '@berth/api-types';
import { BerthError, errors } from '@berth/errors';
import type { OperationsTable } from './database.js';
import { iso } from './object-rows.js';
import type { Session } from './session.js';

export interface NewOperation {
  kind: OperationKind;
  target: OperationTarget;
  message?: string;
}

export interface OperationChanges {
  phase?: OperationPhase;
  progress?: number;
  message?: string;
  error?: ProblemBody;
}

function render(raw: Selectable<OperationsTable>): Operation {
  const op: Operation = {
    id: raw.id,
    kind: raw.kind as OperationKind,
    target: JSON.parse(raw.target) as OperationTarget,
    phase: raw.phase as OperationPhase,
    progress: raw.progress,
    message: raw.message,
    createdAt: iso(Number(raw.created_at)),
    updatedAt: iso(Number(raw.updated_at)),
  };
  if (raw.error !== null) op.error = JSON.parse(raw.error) as ProblemBody;
  if (raw.finished_at !== null) op.finishedAt = iso(Number(raw.finished_at));
  return op;
}

export class OperationRepository {
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  async create(input: NewOperation): Promise<Operation> {
    return this.#session.write(async (ctx) => {
      const row = {
        id: `op-${randomBytes(10).toString('hex')}`,
        project: input.target.project,
        cluster_uid: input.target.clusterUid,
        kind: input.kind,
        target: JSON.stringify(input.target),
        phase: 'Pending',
        progress: 0,
        message: input.message ?? 'Waiting for a controller to pick this up',
        error: null,
        created_at: ctx.now,
        updated_at: ctx.now,
        finished_at: null,
      };
      await ctx.db.insertInto('operations').values(row).execute();
      return render(row);
    });
  }

  async get(id: string): Promise<Operation | undefined> {
    const raw = await this.#session.read((db) =>
      db.selectFrom('operations').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return raw && render(raw);
  }

  /** The project an operation belongs to (for access checks), or undefined. */
  async projectOf(id: string): Promise<string | undefined> {
    const raw = await this.#session.read((db) =>
      db.selectFrom('operations').select('project').where('id', '=', id).executeTakeFirst(),
    );
    return raw?.project;
  }

  /**
   * Advances an operation. Throws BERTH_ERR_OPERATION_NOT_FOUND, and BERTH_ERR_INVALID_STATE when
   * it already finished. Progress is clamped to 0–100; Succeeded sets it to 100.
   */
  async update(id: string, changes: OperationChanges): Promise<Operation> {
    return this.#session.write(async (ctx) => {
      const raw = await ctx.db
        .selectFrom('operations')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      if (!raw) throw errors.notFound('Operation', id);
      const current = render(raw);
      if (isOperationFinished(current)) {
        throw new BerthError('BERTH_ERR_INVALID_STATE', `operation ${id} already ${current.phase}`);
      }
      const phase = changes.phase ?? current.phase;
      const finished = isOperationFinished({ phase });
      const progress =
        phase === 'Succeeded'
          ? 100
          : Math.max(0, Math.min(100, Math.round(changes.progress ?? current.progress)));
      const next = {
        phase,
        progress,
        message: changes.message ?? current.message,
        error: changes.error === undefined ? raw.error : JSON.stringify(changes.error),
        updated_at: ctx.now,
        finished_at: finished ? ctx.now : null,
      };
      await ctx.db.updateTable('operations').set(next).where('id', '=', id).execute();
      return render({ ...raw, ...next });
    });
  }

  /** A cluster's operations, newest first; `activeOnly` keeps Pending and Running ones. */
  async listForCluster(
    clusterUid: string,
    options: { activeOnly?: boolean; limit?: number } = {},
  ): Promise<Operation[]> {
    return this.#session.read(async (db) => {
      let query = db.selectFrom('operations').selectAll().where('cluster_uid', '=', clusterUid);
      if (options.activeOnly) query = query.where('phase', 'in', ['Pending', 'Running']);
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(options.limit ?? 100)
        .execute();
      return rows.map(render);
    });
  }

  /** Every unfinished operation of every project, oldest first (for controllers after a restart). */
  async listActive(limit = 1000): Promise<Operation[]> {
    return this.#session.read(async (db) => {
      const rows = await db
        .selectFrom('operations')
        .selectAll()
        .where('phase', 'in', ['Pending', 'Running'])
        .orderBy('created_at')
        .limit(limit)
        .execute();
      return rows.map(render);
    });
  }
}
