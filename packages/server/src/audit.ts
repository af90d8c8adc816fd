/**
 * The API audit log: who did what. One JSON record per request that changes something (every
 * `/v1` POST, PATCH and DELETE), per sign-in attempt, and per read of credentials — kubeconfigs
 * (the admin kubeconfig is the break-glass credential) and cluster tokens. A record names the
 * actor (API token or directory user, with the user's groups as the request saw them), the
 * route and its parameters, the status and the request id; never a body, a token or a password
 * (for sign-ins, only the user name tried).
 *
 * `berth server` writes the records to the server log (`"audit": {…}`, message `audit`) and, with
 * BERTH_AUDIT_LOG=<file>, to that file as JSON lines (mode 0600).
 */
import { createWriteStream } from 'node:fs';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { Principal } from './auth.js';

export interface AuditActor {
  kind: 'token' | 'user' | 'anonymous';
  /** Token or session id. */
  id?: string;
  name: string;
  groups?: string[];
  /** A token's project (null: platform-wide). */
  project?: string | null;
}

export interface AuditRecord {
  time: string;
  requestId: string;
  actor: AuditActor;
  method: string;
  route: string;
  params: Record<string, string>;
  status: number;
  /** The client's address. */
  address: string;
}

export interface AuditLog {
  record(entry: AuditRecord): void;
}

/** Records as `audit` lines of a pino logger. */
export function loggerAudit(logger: FastifyBaseLogger): AuditLog {
  return { record: (entry) => logger.info({ audit: entry }, 'audit') };
}

const CREDENTIAL_READS = new Set([
  '/v1/projects/:project/clusters/:cluster/kubeconfig',
  '/v1/projects/:project/clusters/:cluster/credentials',
]);

/** Whether a request gets an audit record (see the module comment). */
export function audited(method: string, route: string): boolean {
  if (!route.startsWith('/v1/')) return false;
  return method !== 'GET' && method !== 'HEAD' ? true : CREDENTIAL_READS.has(route);
}

export function actorOf(request: FastifyRequest, principal: Principal | undefined): AuditActor {
  if (principal?.kind === 'user') {
    return { kind: 'user', id: principal.tokenId, name: principal.name, groups: principal.groups };
  }
  if (principal?.kind === 'token') {
    return {
      kind: 'token',
      id: principal.tokenId,
      name: principal.name,
      project: principal.project,
    };
  }
  const body = request.body as { username?: unknown } | undefined;
  const tried = typeof body?.username === 'string' ? body.username.slice(0, 256) : '';
  return { kind: 'anonymous', name: tried };
}

/** Appends records as JSON lines to `file` (created with mode 0600); `close` flushes. */
export function fileAudit(file: string): AuditLog & { close(): Promise<void> } {
  const stream = createWriteStream(file, { flags: 'a', mode: 0o600 });
  return {
    record: (entry) => void stream.write(`${JSON.stringify(entry)}\n`),
    close: () => new Promise<void>((resolve) => stream.end(() => resolve())),
  };
}

/** Every record to each of `logs`. */
export function teeAudit(...logs: AuditLog[]): AuditLog {
  return { record: (entry) => logs.forEach((log) => log.record(entry)) };
}
