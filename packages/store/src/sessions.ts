/**
 * Signed-in users' session tokens. Secrets are `berths_` + 43 base64url characters (256 random
 * bits); only their SHA-256 is stored. A session carries the user's directory groups as last
 * read (`checkedAt`), so requests need not ask the directory; the API re-reads them after its
 * re-check interval.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import { SESSION_SECRET_PREFIX } from '@berth/api-types';
import type { SessionsTable } from './database.js';
import type { Session } from './session.js';

export interface UserSession {
  id: string;
  username: string;
  groups: string[];
  createdAt: number;
  expiresAt: number;
  checkedAt: number;
}

export interface NewUserSession {
  username: string;
  groups: string[];
  ttlMs: number;
}

const sha256 = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');

function render(raw: Selectable<SessionsTable>): UserSession {
  return {
    id: raw.id,
    username: raw.username,
    groups: JSON.parse(raw.groups) as string[],
    createdAt: Number(raw.created_at),
    expiresAt: Number(raw.expires_at),
    checkedAt: Number(raw.checked_at),
  };
}

export class SessionRepository {
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  /** Creates a session; the returned secret exists nowhere else afterwards. */
  async create(input: NewUserSession): Promise<{ session: UserSession; secret: string }> {
    const secret = SESSION_SECRET_PREFIX + randomBytes(32).toString('base64url');
    const now = this.#session.now;
    const row = {
      id: `ses-${randomBytes(8).toString('hex')}`,
      username: input.username,
      groups: JSON.stringify(input.groups),
      secret_hash: sha256(secret),
      created_at: now,
      expires_at: now + input.ttlMs,
      checked_at: now,
    };
    await this.#session.write((ctx) => ctx.db.insertInto('sessions').values(row).execute());
    return { session: render(row), secret };
  }

  /** The live session whose secret this is; undefined when unknown or expired. */
  async findBySecret(secret: string): Promise<UserSession | undefined> {
    const raw = await this.#session.read((db) =>
      db
        .selectFrom('sessions')
        .selectAll()
        .where('secret_hash', '=', sha256(secret))
        .executeTakeFirst(),
    );
    if (!raw || Number(raw.expires_at) <= this.#session.now) return undefined;
    return render(raw);
  }

  /** A live session by id (never by secret: for re-reading after an update). */
  async get(id: string): Promise<UserSession | undefined> {
    const raw = await this.#session.read((db) =>
      db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    if (!raw || Number(raw.expires_at) <= this.#session.now) return undefined;
    return render(raw);
  }

  /** Records groups just read from the directory. */
  async recordCheck(id: string, groups: string[]): Promise<void> {
    await this.#session.write((ctx) =>
      ctx.db
        .updateTable('sessions')
        .set({ groups: JSON.stringify(groups), checked_at: ctx.now })
        .where('id', '=', id)
        .execute(),
    );
  }

  /** Ends a session (sign-out, or the user is gone from the directory). */
  async delete(id: string): Promise<void> {
    await this.#session.write((ctx) =>
      ctx.db.deleteFrom('sessions').where('id', '=', id).execute(),
    );
  }

  /** Deletes expired sessions. */
  async prune(): Promise<void> {
    await this.#session.write((ctx) =>
      ctx.db.deleteFrom('sessions').where('expires_at', '<=', ctx.now).execute(),
    );
  }
}
