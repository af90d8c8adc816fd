/**
 * The `--nodegroup` mini-language of `berth cluster create`:
 *
 *   NAME[:KEY=VALUE,…]   e.g.  web:flavor=std-2-4,count=3,zone=az1,label=tier=web,
 *                                  taint=dedicated=web:NoSchedule,min=1,max=10,autoscale
 *
 * Keys: flavor, zone, count, min, max, autoscale (alone, or =true/false), label=K=V and
 * taint=K[=V]:EFFECT (both repeatable), max-unavailable, volume-type, volume-size (GB). Omitted
 * fields take the server's defaults. Errors name the offending part of the value.
 */
import {
  LIMITS,
  TAINT_EFFECTS,
  type ClusterNodeGroupInput,
  type Taint,
  type TaintEffect,
} from '@berth/api-types';
import { UsageError } from './exit.js';

export const NODE_GROUP_KEYS = [
  'flavor',
  'zone',
  'count',
  'min',
  'max',
  'autoscale',
  'label',
  'taint',
  'max-unavailable',
  'volume-type',
  'volume-size',
  'runtime',
] as const;
type Key = (typeof NODE_GROUP_KEYS)[number];
const REPEATABLE: ReadonlySet<Key> = new Set(['label', 'taint']);

const NAME_PATTERN = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const NAME_MAX = 16;

/** Parses one `--nodegroup` value; throws UsageError quoting the value and its bad part. */
export function parseNodeGroupFlag(text: string): ClusterNodeGroupInput {
  const fail = (problem: string) => new UsageError(`--nodegroup "${text}": ${problem}`);
  const colon = text.indexOf(':');
  const name = colon === -1 ? text : text.slice(0, colon);
  if (/[=,]/.test(name)) throw fail(`start with the node group's name: NAME:${text}`);
  const problem = checkNodeGroupName(name);
  if (problem) throw fail(problem);
  if (colon === -1) return { name };
  const pairs: Array<[string, string | undefined]> = [];
  for (const item of text.slice(colon + 1).split(',')) {
    if (item === '') throw fail('empty item (two commas, or a comma at the end?)');
    const eq = item.indexOf('=');
    pairs.push(eq === -1 ? [item, undefined] : [item.slice(0, eq), item.slice(eq + 1)]);
  }
  return buildNodeGroup(name, pairs, fail);
}

/**
 * A node group from `[key, value]` pairs of the mini-language (also how `nodegroup create` turns
 * its flags into a spec); `fail` wraps each problem into the error to throw.
 */
export function buildNodeGroup(
  name: string,
  pairs: Array<[string, string | undefined]>,
  fail: (problem: string) => Error,
): ClusterNodeGroupInput {
  const group: ClusterNodeGroupInput = { name };
  const seen = new Set<Key>();
  for (const [rawKey, value] of pairs) {
    const key = rawKey as Key;
    const item = value === undefined ? key : `${key}=${value}`;
    if (!NODE_GROUP_KEYS.includes(key)) {
      throw fail(`unknown key "${key}" in "${item}" (known: ${NODE_GROUP_KEYS.join(', ')})`);
    }
    if (seen.has(key) && !REPEATABLE.has(key)) throw fail(`"${key}" is given twice`);
    seen.add(key);
    if (value === undefined && key !== 'autoscale') throw fail(`"${key}" needs a value: ${key}=…`);
    try {
      applyKey(group, key, value);
    } catch (err) {
      throw fail((err as Error).message);
    }
  }
  const { min, max } = group.autoscaling ?? {};
  if (min !== undefined && max !== undefined && min > max) {
    throw fail(`min=${min} is greater than max=${max}`);
  }
  return group;
}

function applyKey(group: ClusterNodeGroupInput, key: Key, value: string | undefined): void {
  const v = value ?? '';
  switch (key) {
    case 'flavor':
    case 'zone':
      if (v === '') throw new Error(`"${key}" must not be empty`);
      group[key] = v;
      return;
    case 'count':
      group.count = parseCount(v, 'count');
      return;
    case 'min':
    case 'max':
      group.autoscaling = { ...group.autoscaling, [key]: parseCount(v, key) };
      return;
    case 'autoscale':
      group.autoscaling = { ...group.autoscaling, enabled: parseBoolean(value, 'autoscale') };
      return;
    case 'label': {
      const [k, val] = parseLabel(v);
      group.labels = { ...group.labels, [k]: val };
      return;
    }
    case 'taint':
      group.taints = [...(group.taints ?? []), parseTaint(v)];
      return;
    case 'max-unavailable':
      if (!/^(0|[1-9]\d{0,2})%?$/.test(v)) {
        throw new Error(`max-unavailable "${v}" must be a number of servers or a percentage`);
      }
      group.maxUnavailable = v;
      return;
    case 'volume-type':
      group.volume = { ...group.volume, type: v };
      return;
    case 'volume-size':
      group.volume = { ...group.volume, sizeGb: parseInteger(v, 'volume-size', 1, 1_000_000) };
      return;
    case 'runtime':
      if (v !== 'containerd' && v !== 'simulated')
        throw new Error(`runtime "${v}" must be containerd or simulated`);
      group.runtime = v;
      return;
  }
}

/** Why `name` cannot name a node group, or undefined when it can. */
export function checkNodeGroupName(name: string): string | undefined {
  if (name === '') return 'the node group needs a name before the ":" (e.g. web:count=3)';
  if (name.length > NAME_MAX || !NAME_PATTERN.test(name)) {
    return `node group name "${name}" must be lower-case letters, digits and "-", start with a letter and have at most ${NAME_MAX} characters`;
  }
  return undefined;
}

export function parseCount(text: string, what: string): number {
  return parseInteger(text, what, 0, LIMITS.maxNodesPerGroup);
}

function parseInteger(text: string, what: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new Error(`${what} "${text}" must be a whole number from ${min} to ${max}`);
  }
  return Number(text);
}

function parseBoolean(text: string | undefined, what: string): boolean {
  if (text === undefined || text === 'true') return true;
  if (text === 'false') return false;
  throw new Error(`${what}="${text}" must be true or false (or just "${what}")`);
}

/** `key=value` → [key, value]; throws naming the label when there is no `=`. */
export function parseLabel(text: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new Error(`label "${text}" must be key=value`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

/** `key=value:Effect` or `key:Effect` → a taint; throws naming the taint when malformed. */
export function parseTaint(text: string): Taint {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) throw new Error(`taint "${text}" must be key=value:Effect or key:Effect`);
  const effect = text.slice(colon + 1);
  if (!(TAINT_EFFECTS as readonly string[]).includes(effect)) {
    throw new Error(`taint "${text}": effect must be one of ${TAINT_EFFECTS.join(', ')}`);
  }
  const [key, value] = text.slice(0, colon).split(/=(.*)/s) as [string, string | undefined];
  if (key === '') throw new Error(`taint "${text}" has no key`);
  return { key, value: value ?? '', effect: effect as TaintEffect };
}
