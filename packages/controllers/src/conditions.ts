/**
 * Pure helpers for status conditions (Kubernetes' contract): a condition's
 * `lastTransitionTime` changes only when its status changes.
 */
import type { Condition, ConditionStatus } from '@berth/api-types';

export interface ConditionInput {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
}

/** Returns a new list with `input` set, keeping the transition time when status is unchanged. */
export function setCondition(
  conditions: readonly Condition[],
  input: ConditionInput,
  now: Date,
  observedGeneration: number,
): Condition[] {
  const previous = conditions.find((c) => c.type === input.type);
  const lastTransitionTime =
    previous !== undefined && previous.status === input.status
      ? previous.lastTransitionTime
      : now.toISOString();
  const next: Condition = { ...input, lastTransitionTime, observedGeneration };
  return previous === undefined
    ? [...conditions, next]
    : conditions.map((c) => (c.type === input.type ? next : c));
}

export function findCondition(
  conditions: readonly Condition[],
  type: string,
): Condition | undefined {
  return conditions.find((c) => c.type === type);
}

export function isTrue(conditions: readonly Condition[], type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}

/** Conditions whose status differs between two lists (for events on transitions). */
export function transitions(
  before: readonly Condition[],
  after: readonly Condition[],
): Condition[] {
  return after.filter((c) => findCondition(before, c.type)?.status !== c.status);
}
