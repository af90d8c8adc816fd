/**
 * `buildApp(deps)`: the Berth REST API as a Fastify instance, with nothing started and nothing
 * read from the environment — the composition root (`startServer`) and tests pass everything in.
 * Call `app.listen()` to serve or `app.inject()` to test.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AddonService } from './addon-service.js';
import { ClusterActivity } from './cluster-activity.js';
import { Authenticator } from './auth.js';
import { ClusterService } from './cluster-service.js';
import { CollectionVersions } from './collection-versions.js';
import type { AppDeps } from './deps.js';
import { CLUSTER_PATH, type App, type RouteContext } from './http.js';
import { registerIdempotency } from './idempotency.js';
import { consoleRoutes } from './console-static.js';
import { actorOf, audited, loggerAudit } from './audit.js';
import { createHttpMetrics } from './metrics.js';
import { NodeGroupService } from './node-group-service.js';
import { openApiOptions } from './openapi.js';
import { PageCache } from './page-cache.js';
import { handleError, handleNotFound, sendProblem, toBerthError } from './problems.js';
import { addonRoutes } from './routes/addons.js';
import { catalogRoutes } from './routes/catalog.js';
import { clusterActionRoutes } from './routes/cluster-actions.js';
import { monitoringRoutes } from './routes/monitoring.js';
import { MonitoringService } from './monitoring-service.js';
import { clusterMetricsRoutes } from './routes/cluster-metrics.js';
import { clusterViewRoutes } from './routes/cluster-views.js';
import { clusterRoutes } from './routes/clusters.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { infraRoutes } from './routes/infra.js';
import { nodeGroupRoutes } from './routes/node-groups.js';
import { operationRoutes } from './routes/operations.js';
import { projectRoutes } from './routes/projects.js';
import { registryRoutes } from './routes/registry.js';
import { tokenRoutes } from './routes/tokens.js';
import { whoamiRoutes } from './routes/whoami.js';
import { loginRoutes, logoutRoutes, PUBLIC_ROUTES } from './routes/login.js';
import { memberRoutes } from './routes/members.js';
import { clusterCredentialRoutes } from './routes/cluster-credentials.js';
import { IdentityService } from './identity-service.js';
import { createValidators } from './validation.js';

const MIB = 1024 * 1024;

function createFastify(deps: AppDeps): App {
  const options = {
    loggerInstance: deps.logger,
    // One access-log line per request comes from our onResponse hook (stable keys), not Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.options?.bodyLimit ?? MIB,
    genReqId: () => randomUUID(),
    return503OnClosing: true,
    // Errors Fastify raises before routing (e.g. a malformed URL) get the same problem body.
    frameworkErrors: (err: Error, request: FastifyRequest, reply: FastifyReply) =>
      sendProblem(request, reply, toBerthError(err)),
  };
  // HTTPS (api-tls.ts) changes only the raw server's type; routes see the same request objects.
  const app = deps.https
    ? Fastify({ ...options, https: { cert: deps.https.certPem, key: deps.https.keyPem } })
    : Fastify(options);
  return app.withTypeProvider<TypeBoxTypeProvider>() as unknown as App;
}

/** JSON bodies: application/json and (for PATCH) application/merge-patch+json, parsed the same. */
function registerContentTypes(app: App): void {
  // Only JSON is accepted; any other body type is 415.
  app.removeContentTypeParser('text/plain');
  const json = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/merge-patch+json', { parseAs: 'string' }, json);
}

/** Requests on one cluster's paths (not its live streams, whose duration is their lifetime). */
function clusterOf(request: FastifyRequest): { project: string; cluster: string } | undefined {
  if (!request.routeOptions.url?.startsWith(CLUSTER_PATH)) return undefined;
  if ((request.headers.accept ?? '').includes('text/event-stream')) return undefined;
  const { project, cluster } = request.params as { project?: string; cluster?: string };
  return project && cluster ? { project, cluster } : undefined;
}

function registerHooks(app: App, context: RouteContext, activity: ClusterActivity): void {
  const metrics = createHttpMetrics(context.deps.metrics, context.store);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (request.url.startsWith('/v1/') && !PUBLIC_ROUTES.has(request.routeOptions.url ?? ''))
      request.principal = await context.auth.authenticate(request);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const durationMs = reply.elapsedTime;
    if (audited(request.method, route)) {
      context.audit.record({
        time: new Date().toISOString(),
        requestId: request.id,
        actor: actorOf(request, request.principal),
        method: request.method,
        route,
        params: { ...(request.params as Record<string, string>) },
        status: reply.statusCode,
        address: request.ip,
      });
    }
    metrics.observe(route, request.method, reply.statusCode, durationMs / 1000);
    const target = clusterOf(request);
    if (target) activity.recordRequest(target.project, target.cluster, durationMs / 1000);
    request.log.info(
      {
        method: request.method,
        route,
        status: reply.statusCode,
        durationMs: Math.round(durationMs * 10) / 10,
      },
      'request',
    );
  });
  registerIdempotency(app, context.store);
  app.addHook('onReady', async () => context.collectionVersions.start());
  app.addHook('onClose', async () => context.collectionVersions.stop());
  app.addHook('preClose', async () => {
    for (const stream of context.streams) stream.end();
  });
}

export async function buildApp(deps: AppDeps): Promise<App> {
  const app = createFastify(deps);
  const validators = createValidators();
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? validators.body : validators.params).compile(schema),
  );
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
  registerContentTypes(app);
  await app.register(swagger, openApiOptions());

  const now = deps.now ?? Date.now;
  const auth = new Authenticator(deps.store, now, deps.options?.authCacheTtlMs);
  const identity = deps.identity && new IdentityService(deps.store, deps.identity);
  if (identity) auth.acceptSessions(identity);
  const context: RouteContext = {
    app,
    deps,
    store: deps.store,
    auth,
    audit: deps.audit ?? loggerAudit(deps.logger),
    ...(identity ? { identity } : {}),
    clusters: new ClusterService(deps.store, deps.catalog, validators, deps.runtimes, deps.addons),
    nodeGroups: new NodeGroupService(deps.store, deps.catalog, validators, deps.runtimes),
    validators,
    pageCache: new PageCache(),
    collectionVersions: new CollectionVersions(deps.store, deps.options?.changePollMs),
    streams: new Set<ServerResponse>(),
  };
  const activity = deps.activity ?? new ClusterActivity({ now });
  registerHooks(app, context, activity);
  healthRoutes(context);
  catalogRoutes(context);
  projectRoutes(context);
  tokenRoutes(context);
  whoamiRoutes(context);
  loginRoutes(context);
  logoutRoutes(context);
  memberRoutes(context);
  clusterRoutes(context);
  clusterActionRoutes(context);
  nodeGroupRoutes(context);
  eventRoutes(context);
  addonRoutes(context, new AddonService(deps.store, deps.catalog, deps.addons));
  clusterViewRoutes(context);
  clusterCredentialRoutes(context);
  clusterMetricsRoutes(context, activity);
  monitoringRoutes(context, new MonitoringService(deps.prometheus));
  infraRoutes(context);
  operationRoutes(context);
  registryRoutes(context);
  if (deps.consoleDir !== undefined) consoleRoutes(app, deps.consoleDir);
  return app;
}
