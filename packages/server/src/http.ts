/** Types and helpers shared by the route modules. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
// Brings @fastify/swagger's schema keywords (tags, summary, hide, security) and app.swagger().
import type {} from '@fastify/swagger';
import { Type, type TSchema } from '@sinclair/typebox';
import { NO_CONTROL_CHARS, ProblemSchema, type ListMeta } from '@berth/api-types';
import { BerthError } from '@berth/errors';
import type { Store } from '@berth/store';
import type { AuditLog } from './audit.js';
import type { Authenticator, Principal } from './auth.js';
import type { ClusterService } from './cluster-service.js';
import type { CollectionVersions } from './collection-versions.js';
import type { AppDeps } from './deps.js';
import type { IdentityService } from './identity-service.js';
import type { NodeGroupService } from './node-group-service.js';
import type { PageCache } from './page-cache.js';
import { PROBLEM_CONTENT_TYPE } from './problems.js';
import type { Validators } from './validation.js';

export type App = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** Everything a route module may use. */
export interface RouteContext {
  app: App;
  deps: AppDeps;
  store: Store;
  auth: Authenticator;
  clusters: ClusterService;
  nodeGroups: NodeGroupService;
  /** Who did what (see audit.ts). */
  audit: AuditLog;
  /** Directory sign-in; absent when no directory is configured. */
  identity?: IdentityService;
  validators: Validators;
  pageCache: PageCache;
  /** In-memory fingerprints of each project's cluster collection (keys of the page cache). */
  collectionVersions: CollectionVersions;
  /** Open SSE responses, ended on shutdown. */
  streams: Set<ServerResponse>;
}

/** The authenticated caller (set by the onRequest hook on every /v1 route). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal)
    throw new BerthError('BERTH_ERR_UNAUTHENTICATED', 'send Authorization: Bearer <token>');
  return request.principal;
}

const problem = (description: string) => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
});

/** Error responses every route documents. */
export const errorResponses = {
  '4xx': problem('The request was refused; `code` says why (see docs/api.md).'),
  '5xx': problem('The server failed; retry later (retryable codes say so).'),
};

/** Path parameters are plain strings: an unknown name is a 404, never a 400. */
export const Name = Type.String({ minLength: 1, maxLength: 100, pattern: NO_CONTROL_CHARS });
export const ProjectParams = Type.Object({ project: Name });
export const ClusterParams = Type.Object({ project: Name, cluster: Name });
export const NodeGroupParams = Type.Object({ project: Name, cluster: Name, nodeGroup: Name });

export function ok<T extends TSchema>(schema: T) {
  return { 200: schema, ...errorResponses };
}

/**
 * Body of every PATCH: a JSON merge patch (RFC 7396) of `spec` and `metadata.labels`, with an
 * optional `metadata.resourceVersion` that makes the patch conditional.
 */
export const MergePatchBody = Type.Object(
  {
    metadata: Type.Optional(
      Type.Object(
        {
          resourceVersion: Type.Optional(Type.String({ maxLength: 40 })),
          labels: Type.Optional(
            Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()])),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    spec: Type.Optional(
      Type.Object({}, { additionalProperties: true, description: 'Merged into spec' }),
    ),
  },
  { additionalProperties: false, title: 'MergePatch' },
);

/** List metadata for a page: its continue token, if more follow. */
export function listMeta(page: { continue?: string }, resourceVersion?: string): ListMeta {
  const meta: ListMeta = {};
  if (page.continue !== undefined) meta.continue = page.continue;
  if (resourceVersion !== undefined) meta.resourceVersion = resourceVersion;
  return meta;
}

export const CLUSTER_PATH = '/v1/projects/:project/clusters/:cluster';
