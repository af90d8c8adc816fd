/**
 * Migration 002: cluster secrets (PKI, service-account keys), kept in the store so every replica
 * sharing a database can reach them. Values are sealed (encrypted) by the caller; the store only
 * keeps opaque text.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current table types */
import type { Kysely, Migration } from 'kysely';

export const clusterSecrets: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('cluster_secrets')
      .addColumn('cluster_uid', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('sealed', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('cluster_secrets_pk', ['cluster_uid', 'name'])
      .execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('cluster_secrets').execute();
  },
};
