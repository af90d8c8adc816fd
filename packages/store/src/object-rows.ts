/**
 * What clusters and node groups share: decoding their rows, metadata, optimistic concurrency,
 * generation rules and finalizers. Both tables carry the same `ObjectColumns`, which is why the
 * helpers below may address `node_groups` through the `clusters` column types.
 */
import type { Selectable, Updateable } from 'kysely';
import type { Labels, ObjectMeta } from '@berth/api-types';
import { BerthError } from '@berth/errors';
import type { ObjectColumns } from './database.js';
import type { WriteContext } from './session.js';

export interface DecodedRow<Spec, Status> {
  uid: string;
  project: string;
  name: string;
  generation: number;
  resourceVersion: number;
  labels: Labels;
  spec: Spec;
  status: Status;
  finalizers: string[];
  createdAt: number;
  deletionRequestedAt: number | undefined;
}

export function decodeRow<Spec, Status>(raw: Selectable<ObjectColumns>): DecodedRow<Spec, Status> {
  return {
    uid: raw.uid,
    project: raw.project,
    name: raw.name,
    generation: Number(raw.generation),
    resourceVersion: Number(raw.resource_version),
    labels: JSON.parse(raw.labels) as Labels,
    spec: JSON.parse(raw.spec) as Spec,
    status: JSON.parse(raw.status) as Status,
    finalizers: JSON.parse(raw.finalizers) as string[],
    createdAt: Number(raw.created_at),
    deletionRequestedAt:
      raw.deletion_requested_at === null ? undefined : Number(raw.deletion_requested_at),
  };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function metaOf(row: DecodedRow<unknown, unknown>): ObjectMeta {
  const meta: ObjectMeta = {
    name: row.name,
    project: row.project,
    uid: row.uid,
    generation: row.generation,
    resourceVersion: String(row.resourceVersion),
    labels: row.labels,
    createdAt: iso(row.createdAt),
  };
  if (row.deletionRequestedAt !== undefined)
    meta.deletionRequestedAt = iso(row.deletionRequestedAt);
  if (row.finalizers.length > 0) meta.finalizers = [...row.finalizers];
  return meta;
}

/** Options of every conditional write. */
export interface WriteOptions {
  /**
   * When set, the write succeeds only if the object's current `metadata.resourceVersion` equals
   * it; otherwise BERTH_ERR_STALE_RESOURCE_VERSION (409). Omit it to write unconditionally.
   */
  resourceVersion?: string;
}

export function staleVersion(
  kind: string,
  name: string,
  current: number,
  sent: string,
): BerthError {
  return new BerthError(
    'BERTH_ERR_STALE_RESOURCE_VERSION',
    `${kind} "${name}" has changed since you read it (resourceVersion is now ${current}, the request had ${sent}); read it again and retry`,
    { field: 'metadata.resourceVersion', details: { current: String(current), sent } },
  );
}

export function checkVersion(
  kind: string,
  row: DecodedRow<unknown, unknown>,
  options: WriteOptions,
): void {
  const sent = options.resourceVersion;
  if (sent !== undefined && sent !== String(row.resourceVersion)) {
    throw staleVersion(kind, row.name, row.resourceVersion, sent);
  }
}

/** A status value, or a function of the current status run inside the write transaction. */
export type StatusUpdate<Status> = Status | ((current: Status) => Status);

export interface ObjectChanges<Spec, Status> {
  spec?: Spec;
  labels?: Labels;
  status?: StatusUpdate<Status>;
  finalizers?: string[];
  deletionRequestedAt?: number;
}

function resolveStatus<Status>(update: StatusUpdate<Status>, current: Status): Status {
  return typeof update === 'function' ? (update as (s: Status) => Status)(current) : update;
}

/**
 * The columns to write for `changes`, or undefined when nothing would change. `generation` moves
 * only when the spec's JSON differs; `resource_version` moves on any change.
 */
export function columnsFor<Spec, Status extends { phase: string }>(
  row: DecodedRow<Spec, Status>,
  changes: ObjectChanges<Spec, Status>,
): Updateable<ObjectColumns> | undefined {
  const out: Updateable<ObjectColumns> = {};
  const setJson = (
    column: 'spec' | 'labels' | 'status' | 'finalizers',
    before: unknown,
    after: unknown,
  ) => {
    const text = JSON.stringify(after);
    if (text !== JSON.stringify(before)) out[column] = text;
  };
  if (changes.spec !== undefined) setJson('spec', row.spec, changes.spec);
  if (changes.labels !== undefined) setJson('labels', row.labels, changes.labels);
  if (changes.finalizers !== undefined) setJson('finalizers', row.finalizers, changes.finalizers);
  if (changes.status !== undefined) {
    const status = resolveStatus(changes.status, row.status);
    setJson('status', row.status, status);
    if (out.status !== undefined) out.phase = status.phase;
  }
  if (changes.deletionRequestedAt !== undefined && row.deletionRequestedAt === undefined) {
    out.deletion_requested_at = changes.deletionRequestedAt;
  }
  if (Object.keys(out).length === 0) return undefined;
  if (out.spec !== undefined) out.generation = row.generation + 1;
  return out;
}

/** `status` when a write touches nothing but the status (and the phase read from it). */
export function changeTypeOf(columns: Updateable<ObjectColumns>): 'upsert' | 'status' {
  return Object.keys(columns).every((c) => c === 'status' || c === 'phase') ? 'status' : 'upsert';
}

/** Applies `columns` to the row `uid` of `table` under a fresh version; returns that version. */
export async function writeColumns(
  ctx: WriteContext,
  table: 'clusters' | 'node_groups',
  uid: string,
  columns: Updateable<ObjectColumns>,
): Promise<number> {
  const version = await ctx.nextVersion();
  await ctx.db
    .updateTable(table as 'clusters')
    .set({ ...columns, resource_version: version })
    .where('uid', '=', uid)
    .execute();
  return version;
}

/** Applies decoded changes to a decoded row in memory (to render the written object). */
export function applyColumns<Spec, Status>(
  row: DecodedRow<Spec, Status>,
  columns: Updateable<ObjectColumns>,
  version: number,
): DecodedRow<Spec, Status> {
  return {
    ...row,
    resourceVersion: version,
    generation: columns.generation === undefined ? row.generation : Number(columns.generation),
    spec: columns.spec === undefined ? row.spec : (JSON.parse(String(columns.spec)) as Spec),
    labels:
      columns.labels === undefined ? row.labels : (JSON.parse(String(columns.labels)) as Labels),
    status:
      columns.status === undefined ? row.status : (JSON.parse(String(columns.status)) as Status),
    finalizers:
      columns.finalizers === undefined
        ? row.finalizers
        : (JSON.parse(String(columns.finalizers)) as string[]),
    deletionRequestedAt:
      columns.deletion_requested_at === undefined || columns.deletion_requested_at === null
        ? row.deletionRequestedAt
        : Number(columns.deletion_requested_at),
  };
}

/** True when the database rejected a row because a unique key already exists. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}
