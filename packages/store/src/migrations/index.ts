/**
 * Versioned migrations, applied at start by `migrateToLatest`. Kysely's Migrator records them in
 * the `berth_migrations` table and takes a lock (an advisory lock on PostgreSQL), so replicas
 * starting together apply each migration once. Add new migrations with the next number; never edit
 * one that has shipped.
 */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { BerthError } from '@berth/errors';
import { initial } from './001-initial.js';
import { clusterSecrets } from './002-cluster-secrets.js';
import { identity } from './003-identity.js';
import { clusterAudit } from './004-cluster-audit.js';

const migrations: Record<string, Migration> = {
  '001-initial': initial,
  '002-cluster-secrets': clusterSecrets,
  '003-identity': identity,
  '004-cluster-audit': clusterAudit,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export const MIGRATION_TABLE = 'berth_migrations';

/** Applies every pending migration; throws BERTH_ERR_INTERNAL naming the one that failed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator is schema-agnostic
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: `${MIGRATION_TABLE}_lock`,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error !== undefined) {
    throw new BerthError(
      'BERTH_ERR_INTERNAL',
      `database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`,
      { cause: error, retryable: false },
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
