/**
 * Migration 001: every table of the first release. Types are chosen to mean the same in SQLite
 * and PostgreSQL (text, integer, bigint); JSON is text so one query layer serves both.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current table types */
import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely';

async function objectTable(
  db: Kysely<any>,
  table: string,
  extra: (t: TableBuilder) => TableBuilder,
) {
  let builder: TableBuilder = db.schema
    .createTable(table)
    .addColumn('uid', 'text', (c) => c.primaryKey())
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('generation', 'bigint', (c) => c.notNull())
    .addColumn('resource_version', 'bigint', (c) => c.notNull())
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('spec', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('finalizers', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('deletion_requested_at', 'bigint');
  builder = extra(builder);
  await builder.execute();
}

type TableBuilder = CreateTableBuilder<any, any>;

async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('counters')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into counters (name, value) values ('resource_version', 0)`.execute(db);

  await db.schema
    .createTable('projects')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('uid', 'text', (c) => c.notNull().unique())
    .addColumn('resource_version', 'bigint', (c) => c.notNull())
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('project', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('tokens_project')
    .on('tokens')
    .columns(['project', 'created_at'])
    .execute();

  await objectTable(db, 'clusters', (t) =>
    t.addUniqueConstraint('clusters_project_name', ['project', 'name']),
  );
  await db.schema
    .createIndex('clusters_project_version')
    .on('clusters')
    .columns(['project', 'resource_version'])
    .execute();

  await objectTable(db, 'node_groups', (t) =>
    t
      .addColumn('cluster', 'text', (c) => c.notNull())
      .addColumn('cluster_uid', 'text', (c) => c.notNull())
      .addUniqueConstraint('node_groups_cluster_name', ['cluster_uid', 'name']),
  );

  await db.schema
    .createTable('operations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('cluster_uid', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('progress', 'integer', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('operations_cluster')
    .on('operations')
    .columns(['cluster_uid', 'created_at'])
    .execute();
  await db.schema.createIndex('operations_phase').on('operations').columns(['phase']).execute();

  await db.schema
    .createTable('events')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('cluster', 'text', (c) => c.notNull())
    .addColumn('cluster_uid', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('operation', 'text')
    .addColumn('object', 'text')
    .addColumn('time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('events_cluster')
    .on('events')
    .columns(['cluster_uid', 'id'])
    .execute();

  await db.schema
    .createTable('changes')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('cluster', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('uid', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('time', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('idempotency')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('body', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_pk', ['scope', 'key'])
    .execute();
  await db.schema
    .createIndex('idempotency_created')
    .on('idempotency')
    .columns(['created_at'])
    .execute();

  await db.schema
    .createTable('leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('acquired_at', 'bigint', (c) => c.notNull())
    .addColumn('transitions', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'leases',
    'idempotency',
    'changes',
    'events',
    'operations',
    'node_groups',
    'clusters',
    'tokens',
    'projects',
    'counters',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}

export const initial: Migration = { up, down };
