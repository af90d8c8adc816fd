/**
 * Migration 004: clusters' API audit events, as their API servers send them to Berth (audit
 * webhook), so the cluster's admins read them through Berth's API. Only the fields people ask
 * about are kept, newest first by `seq`; old rows are pruned.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current table types */
import type { Kysely, Migration } from 'kysely';

export const clusterAudit: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('cluster_audit')
      .addColumn('cluster_uid', 'text', (c) => c.notNull())
      .addColumn('audit_id', 'text', (c) => c.notNull())
      .addColumn('time', 'bigint', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('cluster_audit_pk', ['cluster_uid', 'audit_id'])
      .execute();
    await db.schema
      .createIndex('cluster_audit_time')
      .on('cluster_audit')
      .columns(['cluster_uid', 'time'])
      .execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('cluster_audit').execute();
  },
};
