/**
 * The tables as Kysely sees them. Both dialects store the same columns: JSON documents as text,
 * times as epoch milliseconds (bigint), versions and ids from one monotonic counter (bigint).
 * PostgreSQL returns bigint columns as strings, so selects are typed `number | string` and every
 * mapper converts with `Number()`.
 */
import type { ColumnType, Generated } from 'kysely';

/** A bigint column: written as a number, read back as number (SQLite) or string (pg). */
export type Int64 = ColumnType<number | string, number, number>;
export type NullableInt64 = ColumnType<number | string | null, number | null, number | null>;

export interface CountersTable {
  name: string;
  value: Int64;
}

export interface ProjectsTable {
  name: string;
  uid: string;
  resource_version: Int64;
  labels: string;
  description: string;
  created_at: Int64;
}

export interface TokensTable {
  id: string;
  name: string;
  project: string | null;
  role: string;
  secret_hash: string;
  prefix: string;
  created_at: Int64;
  expires_at: NullableInt64;
}

export interface ProjectMembersTable {
  project: string;
  kind: string;
  name: string;
  role: string;
  created_at: Int64;
}

export interface ClusterAuditTable {
  cluster_uid: string;
  audit_id: string;
  /** The request's time (epoch ms). */
  time: Int64;
  received_at: Int64;
  /** JSON of the kept fields. */
  event: string;
}

export interface SessionsTable {
  id: string;
  username: string;
  /** JSON array of group names. */
  groups: string;
  secret_hash: string;
  created_at: Int64;
  expires_at: Int64;
  checked_at: Int64;
}

/** Columns shared by the two Kubernetes-style kinds with spec/status (clusters, node groups). */
export interface ObjectColumns {
  uid: string;
  project: string;
  name: string;
  generation: Int64;
  resource_version: Int64;
  labels: string;
  spec: string;
  status: string;
  /** Copy of status.phase, so metrics and filters need not parse JSON. */
  phase: string;
  finalizers: string;
  created_at: Int64;
  deletion_requested_at: NullableInt64;
}

export type ClustersTable = ObjectColumns;

export interface NodeGroupsTable extends ObjectColumns {
  cluster: string;
  cluster_uid: string;
}

export interface OperationsTable {
  id: string;
  project: string;
  cluster_uid: string;
  kind: string;
  target: string;
  phase: string;
  progress: number;
  message: string;
  error: string | null;
  created_at: Int64;
  updated_at: Int64;
  finished_at: NullableInt64;
}

export interface EventsTable {
  id: Int64;
  project: string;
  cluster: string;
  cluster_uid: string;
  type: string;
  reason: string;
  message: string;
  operation: string | null;
  object: string | null;
  time: Int64;
}

export interface ChangesTable {
  id: Int64;
  kind: string;
  project: string;
  cluster: string | null;
  name: string;
  uid: string;
  type: string;
  time: Int64;
}

export interface IdempotencyTable {
  scope: string;
  key: string;
  request_hash: string;
  state: string;
  status: number | null;
  body: string | null;
  created_at: Int64;
}

export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: Int64;
  acquired_at: Int64;
  transitions: Generated<number>;
}

export interface ClusterSecretsTable {
  cluster_uid: string;
  name: string;
  sealed: string;
  updated_at: Int64;
}

export interface Database {
  counters: CountersTable;
  projects: ProjectsTable;
  tokens: TokensTable;
  project_members: ProjectMembersTable;
  sessions: SessionsTable;
  cluster_audit: ClusterAuditTable;
  clusters: ClustersTable;
  node_groups: NodeGroupsTable;
  operations: OperationsTable;
  events: EventsTable;
  changes: ChangesTable;
  idempotency: IdempotencyTable;
  leases: LeasesTable;
  cluster_secrets: ClusterSecretsTable;
}
