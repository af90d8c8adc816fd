/**
 * Projects. A project-scoped token sees only its own project; creating and deleting projects
 * needs a platform-wide admin token.
 */
import { Type } from '@sinclair/typebox';
import {
  API_VERSION,
  ListQuery,
  Project,
  ProjectCreateRequest,
  ProjectList,
} from '@berth/api-types';
import {
  errorResponses,
  listMeta,
  ok,
  principalOf,
  ProjectParams,
  type RouteContext,
} from '../http.js';
import { visibleProjects } from '../auth.js';

export function projectRoutes({ app, store, auth }: RouteContext): void {
  app.get('/v1/projects', {
    schema: {
      tags: ['projects'],
      summary: 'List the projects this token sees',
      operationId: 'listProjects',
      querystring: ListQuery,
      response: ok(ProjectList),
    },
    handler: async (request) => {
      const principal = principalOf(request);
      const only = visibleProjects(principal);
      const page = await store.projects.list(request.query, only);
      return {
        apiVersion: API_VERSION,
        kind: 'ProjectList',
        metadata: listMeta(page),
        items: page.items,
      } satisfies ProjectList;
    },
  });

  app.post('/v1/projects', {
    schema: {
      tags: ['projects'],
      summary: 'Create a project (platform admin)',
      operationId: 'createProject',
      body: ProjectCreateRequest,
      response: { 201: Project, ...errorResponses },
    },
    handler: async (request, reply) => {
      auth.requirePlatformAdmin(principalOf(request));
      const { metadata, spec } = request.body;
      const project = await store.projects.create({
        name: metadata.name,
        labels: metadata.labels,
        description: spec?.description,
      });
      return reply.code(201).send(project);
    },
  });

  app.get('/v1/projects/:project', {
    schema: {
      tags: ['projects'],
      summary: 'Read a project',
      operationId: 'getProject',
      params: ProjectParams,
      response: ok(Project),
    },
    handler: async (request) => {
      await auth.authorize(principalOf(request), request.params.project, 'viewer');
      return store.projects.require(request.params.project);
    },
  });

  app.delete('/v1/projects/:project', {
    schema: {
      tags: ['projects'],
      summary: 'Delete an empty project and its tokens (platform admin)',
      operationId: 'deleteProject',
      params: ProjectParams,
      response: { 204: Type.Null(), ...errorResponses },
    },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      await auth.authorize(principal, request.params.project, 'admin');
      auth.requirePlatformAdmin(principal);
      await store.projects.delete(request.params.project);
      auth.forgetProject(request.params.project);
      return reply.code(204).send(null);
    },
  });
}
