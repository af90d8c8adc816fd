/** Rules every patch obeys: conditional writes and fields a patch may not touch. */
import {
  CLUSTER_ACTION_FIELDS,
  CLUSTER_IMMUTABLE_FIELDS,
  type ClusterSpec as ClusterSpecType,
} from '@berth/api-types';
import type { TSchema } from '@sinclair/typebox';
import { Labels } from '@berth/api-types';
import { BerthError } from '@berth/errors';
import { mergePatch } from './merge-patch.js';
import { sameJson } from './stable-json.js';
import { checker, type Validators } from './validation.js';

/** Throws BERTH_ERR_STALE_RESOURCE_VERSION when a version was sent and is not the current one. */
export function staleIfChanged(
  kind: string,
  name: string,
  current: string,
  sent: string | undefined,
): void {
  if (sent !== undefined && sent !== current) {
    throw new BerthError(
      'BERTH_ERR_STALE_RESOURCE_VERSION',
      `${kind} "${name}" has changed since you read it (resourceVersion is now ${current}, the patch has ${sent}); read it again and retry`,
      { field: 'metadata.resourceVersion', details: { current, sent } },
    );
  }
}

/** Rejects patches that touch immutable fields or fields that have their own endpoints. */
export function checkFixedFields(before: ClusterSpecType, after: ClusterSpecType): void {
  for (const field of CLUSTER_IMMUTABLE_FIELDS) {
    if (!sameJson(before[field], after[field])) {
      throw new BerthError(
        'BERTH_ERR_VALIDATION',
        `spec.${field} cannot change after the cluster is created`,
        {
          field: `spec.${field}`,
        },
      );
    }
  }
  for (const [field, endpoint] of Object.entries(CLUSTER_ACTION_FIELDS)) {
    const name = field as keyof typeof CLUSTER_ACTION_FIELDS;
    if (!sameJson(before[name], after[name])) {
      throw new BerthError('BERTH_ERR_VALIDATION', `change spec.${field} with ${endpoint}`, {
        field: `spec.${field}`,
      });
    }
  }
}

/** A merge patch of an object's spec and labels (PATCH of a cluster or a node group). */
export interface SpecPatch {
  metadata?: { resourceVersion?: string; labels?: Record<string, string | null> };
  spec?: Record<string, unknown>;
}

/** Validators for a patched spec (against its schema) and labels, naming the fields they fail. */
export interface PatchCheckers<S> {
  spec: (value: unknown) => S;
  labels: (value: unknown) => Record<string, string>;
}

export function patchCheckers<S>(validators: Validators, specSchema: TSchema): PatchCheckers<S> {
  return {
    spec: checker<S>(validators.body, specSchema, 'spec'),
    labels: checker<Record<string, string>>(validators.body, Labels, 'metadata.labels'),
  };
}

/** The spec and labels a merge patch asks for, each validated whole; what it leaves out stays. */
export function patchedSpecAndLabels<S>(
  current: { spec: S; metadata: { labels: Record<string, string> } },
  patch: SpecPatch,
  check: PatchCheckers<S>,
): { spec: S; labels: Record<string, string> } {
  return {
    spec:
      patch.spec === undefined ? current.spec : check.spec(mergePatch(current.spec, patch.spec)),
    labels:
      patch.metadata?.labels === undefined
        ? current.metadata.labels
        : check.labels(mergePatch(current.metadata.labels, patch.metadata.labels)),
  };
}
