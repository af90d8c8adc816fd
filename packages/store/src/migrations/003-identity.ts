/**
 * Migration 003: directory users. `project_members` grants a project role to a directory group or
 * user; `sessions` are signed-in users' tokens (only the secret's SHA-256 is kept, like tokens),
 * with the groups last read from the directory and when.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current table types */
import type { Kysely, Migration } from 'kysely';

export const identity: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('project_members')
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('project_members_pk', ['project', 'kind', 'name'])
      .execute();
    await db.schema
      .createIndex('project_members_subject')
      .on('project_members')
      .columns(['kind', 'name'])
      .execute();
    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('groups', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('checked_at', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('sessions').execute();
    await db.schema.dropTable('project_members').execute();
  },
};
