/**
 * What `berth server` reads from its environment, as pure functions of `env` so the composition
 * root stays a list of wiring steps and each variable is documented (and tested) in one place.
 */
import { BerthError } from '@berth/errors';
import {
  directoryConfigFromEnv,
  LdapDirectory,
  SignInLimiter,
  DEFAULT_SIGN_IN_LIMITS,
} from '@berth/identity';
import type { IdentityOptions } from './identity-service.js';

/**
 * Where the local provider sits on the host, from BERTH_LOCAL_PREFIX (default `berth-`),
 * BERTH_LOCAL_EXTERNAL_BRIDGE (default `<prefix>ext0`) and BERTH_LOCAL_EXTERNAL_CIDR (default
 * 198.18.0.0/24). Tests and benchmarks set them so their runs never meet an operator's objects.
 */
export function localTopologyFromEnv(env: NodeJS.ProcessEnv): {
  prefix?: string;
  externalBridge?: string;
  externalCidr?: string;
} {
  return {
    ...(env.BERTH_LOCAL_PREFIX ? { prefix: env.BERTH_LOCAL_PREFIX } : {}),
    ...(env.BERTH_LOCAL_EXTERNAL_BRIDGE ? { externalBridge: env.BERTH_LOCAL_EXTERNAL_BRIDGE } : {}),
    ...(env.BERTH_LOCAL_EXTERNAL_CIDR ? { externalCidr: env.BERTH_LOCAL_EXTERNAL_CIDR } : {}),
  };
}

/**
 * For fault tests, BERTH_MEMORY_PROVIDER_DELAY_MS slows every memory-provider call, widening the
 * window in which a test can kill the server mid-reconcile.
 */
export function memoryDelayFromEnv(env: NodeJS.ProcessEnv): number {
  return seconds(env, 'BERTH_MEMORY_PROVIDER_DELAY_MS', 1);
}

/**
 * Self-healing delays from the environment, in seconds: BERTH_MASTER_REPLACE_AFTER_SECONDS (a
 * down master of a 3- or 5-master cluster, default 120) and BERTH_NODE_REPAIR_AFTER_SECONDS (a
 * down worker, default 300). Tests and drills shorten them.
 */
export function repairDelayFromEnv(
  env: NodeJS.ProcessEnv,
  name: 'BERTH_MASTER_REPLACE_AFTER_SECONDS' | 'BERTH_NODE_REPAIR_AFTER_SECONDS',
): { replaceAfterMs?: number } {
  if (env[name] === undefined || env[name] === '') return {};
  return { replaceAfterMs: seconds(env, name, 1000) };
}

/**
 * BERTH_NODE_FENCE_AFTER_SECONDS: how long a node stays NotReady with its server down before
 * its volumes are force-detached (default 30).
 */
export function fenceDelayFromEnv(env: NodeJS.ProcessEnv): { fenceAfterMs?: number } {
  const name = 'BERTH_NODE_FENCE_AFTER_SECONDS';
  if (env[name] === undefined || env[name] === '') return {};
  return { fenceAfterMs: seconds(env, name, 1000) };
}

/**
 * BERTH_ADDON_READY_TIMEOUT_SECONDS: how long an addon's workloads may take to become available
 * before the addon is Failed (default 300). Tests shorten it.
 */
export function addonPolicyFromEnv(env: NodeJS.ProcessEnv): { readyTimeoutMs?: number } {
  const name = 'BERTH_ADDON_READY_TIMEOUT_SECONDS';
  if (env[name] === undefined || env[name] === '') return {};
  return { readyTimeoutMs: seconds(env, name, 1000) };
}

/** A number ≥ 0 from `env[name]` times `scale`; 0 when unset; a clear error when malformed. */
function seconds(env: NodeJS.ProcessEnv, name: string, scale: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return 0;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new BerthError('BERTH_ERR_VALIDATION', `${name} must be a number ≥ 0, got "${raw}"`, {
      field: name,
    });
  }
  return value * scale;
}

export interface RegistryEnv {
  /** BERTH_REGISTRY=off: run no registry. */
  enabled: boolean;
  /** BERTH_REGISTRY_PORT, default 5000: the same port on loopback and the external address. */
  port: number;
  /** BERTH_REGISTRY_HOST: the name clients and nodes use, when not the provider's address. */
  host?: string;
}

/**
 * The platform registry's settings from BERTH_REGISTRY (`on` | `off`, default on),
 * BERTH_REGISTRY_PORT and BERTH_REGISTRY_HOST (see docs/registry.md).
 */
export function registryFromEnv(env: NodeJS.ProcessEnv): RegistryEnv {
  const switchValue = (env.BERTH_REGISTRY ?? 'on').toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0'].includes(switchValue))
    throw new BerthError(
      'BERTH_ERR_VALIDATION',
      `BERTH_REGISTRY must be on or off, got "${env.BERTH_REGISTRY}"`,
    );
  const port = env.BERTH_REGISTRY_PORT ? Number(env.BERTH_REGISTRY_PORT) : 5000;
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new BerthError(
      'BERTH_ERR_VALIDATION',
      `BERTH_REGISTRY_PORT must be a port number, got "${env.BERTH_REGISTRY_PORT}"`,
    );
  return {
    enabled: ['on', 'true', '1'].includes(switchValue),
    port,
    ...(env.BERTH_REGISTRY_HOST ? { host: env.BERTH_REGISTRY_HOST } : {}),
  };
}

/**
 * Directory sign-in from BERTH_LDAP_* (see docs/identity.md), BERTH_SESSION_TTL_SECONDS (session
 * token lifetime, default 8 h) and BERTH_LDAP_RECHECK_SECONDS (how old a session's groups may get
 * before the directory is asked again, default 300). Undefined without BERTH_LDAP_URL.
 */
export function identityFromEnv(env: NodeJS.ProcessEnv): IdentityOptions | undefined {
  const config = directoryConfigFromEnv(env);
  if (!config) return undefined;
  const ttl = seconds(env, 'BERTH_SESSION_TTL_SECONDS', 1000);
  const recheck = seconds(env, 'BERTH_LDAP_RECHECK_SECONDS', 1000);
  return {
    directory: new LdapDirectory(config),
    limiter: new SignInLimiter(DEFAULT_SIGN_IN_LIMITS),
    ...(ttl > 0 ? { sessionTtlMs: ttl } : {}),
    ...(recheck > 0 ? { recheckMs: recheck } : {}),
  };
}

/** BERTH_CLUSTER_TOKEN_TTL_SECONDS: lifetime of directory users' cluster tokens (default 300). */
export function userTokenTtlFromEnv(env: NodeJS.ProcessEnv): { userTokenTtlMs?: number } {
  const ms = seconds(env, 'BERTH_CLUSTER_TOKEN_TTL_SECONDS', 1000);
  return ms > 0 ? { userTokenTtlMs: ms } : {};
}
