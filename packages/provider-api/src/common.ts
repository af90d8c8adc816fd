/**
 * Shapes shared by every InfraProvider service: ownership tags, the fields every provider object
 * carries, and the `…Input` objects of the get/find/list/delete methods.
 *
 * Contract (see docs/contracts/provider.md):
 * - Every method takes one `…Input` object and an `AbortSignal`. A signal that is already aborted
 *   rejects the call with `signal.reason` before anything changes.
 * - `create…` is idempotent by `name` + `tags`: when an object of the kind (under the same
 *   parent, where the kind has one) already has that name and carries every given tag, create
 *   returns it unchanged instead of making a duplicate. Create never updates; callers compare.
 * - `delete…` of an object that does not exist resolves.
 * - `get…` of an object that does not exist rejects with `BERTH_ERR_NOT_FOUND`.
 * - Returned objects are snapshots; mutating them changes nothing in the provider.
 */

/**
 * Ownership labels on provider objects, e.g. `{ 'berth.dev/cluster': '<uid>' }`. Keys are 1–63
 * characters of `[A-Za-z0-9._/-]`; values are at most 255 characters without commas (so an
 * OpenStack provider can store them as `key=value` tags).
 */
export type Tags = Readonly<Record<string, string>>;

/** Well-known tag keys Berth's controllers put on everything they create. */
export const TagKeys = {
  /** uid of the cluster that owns the object. */
  cluster: 'berth.dev/cluster',
  /** Project the owning cluster lives in. */
  project: 'berth.dev/project',
  /** Node group of a worker server or its volume. */
  nodeGroup: 'berth.dev/node-group',
  /** What the object is for, e.g. `master`, `worker`, `api-lb`. */
  role: 'berth.dev/role',
  /** Always `berth`: marks objects Berth manages. */
  managedBy: 'berth.dev/managed-by',
} as const;

/** Fields every provider object has. */
export interface ProviderObject {
  /** Assigned by the provider; unique and stable for the object's lifetime. */
  id: string;
  /** Caller-chosen name, the idempotency key together with `tags`. */
  name: string;
  tags: Tags;
  /** RFC 3339 timestamp. */
  createdAt: string;
}

/** Base of every `create…` input: the idempotency key. */
export interface CreateInput {
  /** 1–255 characters. */
  name: string;
  /** Ownership labels; callers always include `berth.dev/cluster` or similar. */
  tags: Tags;
}

/** Addresses one object by id (get, delete and actions). */
export interface IdInput {
  id: string;
}

/** Finds the oldest object with this name that carries every given tag. */
export interface FindInput {
  name: string;
  tags?: Tags;
}

/** Lists the objects that carry every given tag (all objects when `tags` is absent or empty). */
export interface ListInput {
  tags?: Tags;
}

/** Inputs of catalog listings that take no filter. */
export type EmptyInput = Record<string, never>;

/** True when `objectTags` holds every key/value pair of `wanted`. */
export function matchesTags(objectTags: Tags, wanted: Tags | undefined): boolean {
  if (wanted === undefined) return true;
  return Object.entries(wanted).every(([key, value]) => objectTags[key] === value);
}

/** True when `object` is what a create with `input` should return instead of a duplicate. */
export function isSameCreate(object: ProviderObject, input: CreateInput): boolean {
  return object.name === input.name && matchesTags(object.tags, input.tags);
}
