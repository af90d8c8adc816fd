/**
 * The errors providers raise, so every implementation uses the same codes for the same
 * situations (see docs/contracts/provider.md, "Errors"):
 *
 * | situation                                            | code                        | retry |
 * | ---------------------------------------------------- | --------------------------- | ----- |
 * | backend failed or timed out (HTTP 5xx, command died) | `BERTH_ERR_PROVIDER`        | yes   |
 * | out of addresses, quota or capacity                  | `BERTH_ERR_PROVIDER_QUOTA`  | yes   |
 * | get/action on an object that does not exist          | `BERTH_ERR_NOT_FOUND`       | no    |
 * | object in use or busy (delete in-use, attach twice)  | `BERTH_ERR_CONFLICT`        | yes   |
 * | action impossible in the object's state              | `BERTH_ERR_INVALID_STATE`   | no    |
 * | malformed input (bad CIDR, unknown flavor)           | `BERTH_ERR_VALIDATION`      | no    |
 */
import { BerthError } from '@berth/errors';
import type { Tags } from './common.js';

/** Kinds of provider objects, as named in errors and call logs. */
export type ProviderKind =
  | 'Network'
  | 'Subnet'
  | 'Router'
  | 'Server'
  | 'ServerGroup'
  | 'SecurityGroup'
  | 'SecurityGroupRule'
  | 'LoadBalancer'
  | 'Listener'
  | 'Pool'
  | 'Member'
  | 'HealthMonitor'
  | 'Volume'
  | 'FloatingIp'
  | 'Port'
  | 'Flavor'
  | 'Zone'
  | 'Hypervisor'
  | 'VolumeType';

export const providerErrors = {
  notFound: (kind: ProviderKind, id: string) =>
    new BerthError('BERTH_ERR_NOT_FOUND', `${kind} "${id}" not found`, { details: { kind, id } }),
  conflict: (message: string, details?: Record<string, unknown>) =>
    new BerthError('BERTH_ERR_CONFLICT', message, details === undefined ? {} : { details }),
  invalidState: (message: string, details?: Record<string, unknown>) =>
    new BerthError('BERTH_ERR_INVALID_STATE', message, details === undefined ? {} : { details }),
  invalid: (field: string, message: string) =>
    new BerthError('BERTH_ERR_VALIDATION', message, { field }),
  quota: (resource: string, message: string) =>
    new BerthError('BERTH_ERR_PROVIDER_QUOTA', message, { details: { resource } }),
  backend: (message: string, cause?: unknown) =>
    new BerthError('BERTH_ERR_PROVIDER', message, cause === undefined ? {} : { cause }),
};

const TAG_KEY = /^[A-Za-z0-9._/-]{1,63}$/;

/**
 * Checks a create input's name and tags against the contract.
 * @throws BerthError `BERTH_ERR_VALIDATION` naming the offending field.
 */
export function validateNameAndTags(name: string, tags: Tags): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > 255) {
    throw providerErrors.invalid('name', 'name must be 1–255 characters');
  }
  for (const [key, value] of Object.entries(tags)) {
    if (!TAG_KEY.test(key)) {
      throw providerErrors.invalid(`tags.${key}`, 'tag keys are 1–63 characters of A-Za-z0-9._/-');
    }
    if (typeof value !== 'string' || value.length > 255 || value.includes(',')) {
      throw providerErrors.invalid(
        `tags.${key}`,
        'tag values are strings of ≤255 chars, no commas',
      );
    }
  }
}
