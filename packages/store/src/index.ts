/**
 * @berth/store — Berth's one schema and query layer (Kysely) over SQLite and PostgreSQL.
 *
 * Open it with `openStore({ dataDir })` (SQLite file `<dataDir>/berth.db`, WAL) or
 * `openStore({ databaseUrl: 'postgres://…' })`; pending migrations run first and the `default`
 * project is created if missing. The `Store` then offers:
 *
 * - `projects`   create/ensure/get/require/list/delete (delete refuses non-empty and `default`)
 * - `tokens`     create (returns the secret once; stores sha256) / findBySecret / list / delete /
 *                ensurePlatformAdmin / hasPlatformAdmin / exists
 * - `clusters`   create (its `spec.nodeGroups` become NodeGroup rows) / get / getByUid / require /
 *                list (keyset pages) / listKeys / collectionVersion / update / updateStatus /
 *                requestDeletion / addFinalizer / removeFinalizer / countByPhase
 * - `nodeGroups` create / get / require / list / listByClusterUid / update / updateStatus /
 *                requestDeletion / addFinalizer / removeFinalizer
 * - `operations` create (Pending) / get / projectOf / update (controllers advance & finish) /
 *                listForCluster / listActive
 * - `events`     append / list(since) / tail — ids monotonic in commit order (SSE resume)
 * - `idempotency` begin / complete / abandon / prune
 * - `leases`     get / elector({name, identity, durationMs}) → LeaderElector (controller-kit shape)
 * - `changes`    onChange(listener) for this process's commits; listSince(cursor) / latestCursor()
 *                for every replica's commits (poll)
 * - `members`    put / list / delete / rolesOf(user, groups) — project roles of directory groups and users
 * - `sessions`   create / findBySecret / recordCheck / delete / prune — signed-in users' tokens
 * - `transaction(fn)` to group writes atomically; `ping`, `prune`, `close`.
 *
 * Object rules (clusters and node groups):
 * - `metadata.resourceVersion` changes on every write; passing `{ resourceVersion }` to a write
 *   makes it conditional (stale → BERTH_ERR_STALE_RESOURCE_VERSION, 409).
 * - `metadata.generation` moves only when spec changes; `updateStatus` never moves it. A node
 *   group's spec change, creation or deletion request also moves its cluster's generation and
 *   version, because the cluster renders `spec.nodeGroups` from its live node groups.
 * - Deletion: `requestDeletion` sets `deletionRequestedAt`; the row is removed when no finalizer
 *   remains (at once if there are none). Removing a cluster removes its node groups and events;
 *   operations stay readable.
 * - Not-found errors are BerthErrors (BERTH_ERR_CLUSTER_NOT_FOUND, …); duplicates are
 *   BERTH_ERR_ALREADY_EXISTS with field `metadata.name`.
 */
export {
  openStore,
  type Store,
  type StoreOptions,
  type Repositories,
  type PruneOptions,
} from './store.js';
export {
  connect,
  isPostgresUrl,
  SQLITE_FILE_NAME,
  type ConnectOptions,
  type Dialect,
} from './connect.js';
export { MIGRATION_TABLE } from './migrations/index.js';
export type { Change, ChangeKind, ChangeListener, ChangeType } from './session.js';
export { ChangeFeed, type ChangeBatch } from './change-feed.js';
export {
  ClusterRepository,
  type ClusterChanges,
  type ClusterKey,
  type ClusterOwnSpec,
  type NewCluster,
  type Removal,
} from './clusters.js';
export {
  NodeGroupRepository,
  type NewNodeGroup,
  type NodeGroupChanges,
  type NodeGroupKey,
} from './node-groups.js';
export { ProjectRepository, type NewProject } from './projects.js';
export { TokenRepository, generateSecret, hashSecret, type NewToken } from './tokens.js';
export { OperationRepository, type NewOperation, type OperationChanges } from './operations.js';
export { EventRepository, type NewEvent } from './events.js';
export { IdempotencyRepository, type IdempotencyClaim } from './idempotency.js';
export {
  LeaseRepository,
  type LeaderElector,
  type LeaseOptions,
  type LeaseRecord,
} from './leases.js';
export { SecretRepository } from './secrets.js';
export { MemberRepository, type MemberGrant } from './members.js';
export { SessionRepository, type NewUserSession, type UserSession } from './sessions.js';
export { ClusterAuditRepository, type StoredAuditEvent } from './cluster-audit.js';
export type { StatusUpdate, WriteOptions } from './object-rows.js';
export type { Page, PageRequest } from './page.js';
