/**
 * API tokens. Secrets are `berth_` + 43 base64url characters (256 random bits); only their
 * SHA-256 is stored (a slow KDF adds nothing for secrets this long) together with a 12-character
 * prefix that identifies a token in lists without revealing it.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import { TOKEN_SECRET_PREFIX, type Token, type TokenRole } from '@berth/api-types';
import { errors } from '@berth/errors';
import type { TokensTable } from './database.js';
import { iso } from './object-rows.js';
import { decodeContinue, pageLimit, toPage, type Page, type PageRequest } from './page.js';
import type { Session } from './session.js';

export interface NewToken {
  name: string;
  /** null: a platform-wide token that acts in every project. */
  project: string | null;
  role: TokenRole;
  expiresAt?: Date;
  /** Use this secret instead of generating one (BERTH_ADMIN_TOKEN); must be long and random. */
  secret?: string;
}

const PREFIX_LENGTH = 12;

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function generateSecret(): string {
  return TOKEN_SECRET_PREFIX + randomBytes(32).toString('base64url');
}

function render(raw: Selectable<TokensTable>): Token {
  const token: Token = {
    id: raw.id,
    name: raw.name,
    project: raw.project,
    role: raw.role as TokenRole,
    prefix: raw.prefix,
    createdAt: iso(Number(raw.created_at)),
  };
  if (raw.expires_at !== null) token.expiresAt = iso(Number(raw.expires_at));
  return token;
}

export class TokenRepository {
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  /** Creates a token; the returned secret exists nowhere else afterwards. */
  async create(input: NewToken): Promise<{ token: Token; secret: string }> {
    const secret = input.secret ?? generateSecret();
    const row = {
      id: `tok-${randomBytes(8).toString('hex')}`,
      name: input.name,
      project: input.project,
      role: input.role,
      secret_hash: hashSecret(secret),
      prefix: secret.slice(0, PREFIX_LENGTH),
      created_at: this.#session.now,
      expires_at: input.expiresAt?.getTime() ?? null,
    };
    await this.#session.write((ctx) => ctx.db.insertInto('tokens').values(row).execute());
    return { token: render(row), secret };
  }

  /** The live token whose secret this is; undefined when unknown or expired. */
  async findBySecret(secret: string): Promise<Token | undefined> {
    const raw = await this.#session.read((db) =>
      db
        .selectFrom('tokens')
        .selectAll()
        .where('secret_hash', '=', hashSecret(secret))
        .executeTakeFirst(),
    );
    if (!raw) return undefined;
    if (raw.expires_at !== null && Number(raw.expires_at) <= this.#session.now) return undefined;
    return render(raw);
  }

  /** Ensures a platform admin token with exactly this secret exists (for BERTH_ADMIN_TOKEN). */
  async ensurePlatformAdmin(name: string, secret: string): Promise<Token> {
    const existing = await this.findBySecret(secret);
    if (existing) return existing;
    return (await this.create({ name, project: null, role: 'admin', secret })).token;
  }

  async hasPlatformAdmin(): Promise<boolean> {
    const row = await this.#session.read((db) =>
      db
        .selectFrom('tokens')
        .select('id')
        .where('project', 'is', null)
        .where('role', '=', 'admin')
        .executeTakeFirst(),
    );
    return row !== undefined;
  }

  /** A project's tokens in id order. */
  async list(project: string, request: PageRequest = {}): Promise<Page<Token>> {
    const limit = pageLimit(request);
    const after = decodeContinue(request.continue);
    return this.#session.read(async (db) => {
      let query = db.selectFrom('tokens').selectAll().where('project', '=', project);
      if (after !== undefined) query = query.where('id', '>', after);
      const rows = await query
        .orderBy('id')
        .limit(limit + 1)
        .execute();
      const page = toPage(rows, limit, (r) => r.id);
      return { ...page, items: page.items.map(render) };
    });
  }

  /** Revokes a project's token; throws BERTH_ERR_TOKEN_NOT_FOUND. Returns what was revoked. */
  async delete(project: string, id: string): Promise<Token> {
    return this.#session.write(async (ctx) => {
      const raw = await ctx.db
        .selectFrom('tokens')
        .selectAll()
        .where('project', '=', project)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!raw) throw errors.notFound('Token', id);
      await ctx.db.deleteFrom('tokens').where('id', '=', id).execute();
      return render(raw);
    });
  }

  /** Whether the token still exists (auth caches re-check with this after their TTL). */
  async exists(id: string): Promise<boolean> {
    const row = await this.#session.read((db) =>
      db.selectFrom('tokens').select('id').where('id', '=', id).executeTakeFirst(),
    );
    return row !== undefined;
  }
}
