/** Rules every patch obeys: conditional writes and fields a patch may not touch. */
import {
  CLUSTER_ACTION_FIELDS,
  CLUSTER_IMMUTABLE_FIELDS,
  type ClusterSpec as ClusterSpecType,
} from '@berth/api-types';
import { BerthError } from '@berth/errors';
import { sameJson } from './stable-json.js';

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
