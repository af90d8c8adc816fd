/**
 * Project members: roles granted to directory groups and users (admin only). A grant takes effect
 * for signed-in users at once in this replica and within the auth cache TTL in others.
 */
import { Type } from '@sinclair/typebox';
import {
  ListQuery,
  MEMBER_KINDS,
  MemberCreateRequest,
  MemberList,
  ProjectMember,
} from '@berth/api-types';
import { BerthError, errors } from '@berth/errors';
import {
  errorResponses,
  listMeta,
  Name,
  ok,
  principalOf,
  ProjectParams,
  type RouteContext,
} from '../http.js';

const MemberName = Type.String({ minLength: 1, maxLength: 256 });

export function memberRoutes({ app, store, auth }: RouteContext): void {
  app.get('/v1/projects/:project/members', {
    schema: {
      tags: ['identity'],
      summary: "List a project's members: directory groups and users with their roles",
      operationId: 'listMembers',
      params: ProjectParams,
      querystring: ListQuery,
      response: ok(MemberList),
    },
    handler: async (request): Promise<MemberList> => {
      await auth.authorize(principalOf(request), request.params.project, 'admin');
      const page = await store.members.list(request.params.project, request.query);
      return { metadata: listMeta(page), items: page.items };
    },
  });

  app.post('/v1/projects/:project/members', {
    schema: {
      tags: ['identity'],
      summary: 'Grant a role in the project to a directory group or user (replaces its role)',
      operationId: 'putMember',
      params: ProjectParams,
      body: MemberCreateRequest,
      response: { 201: ProjectMember, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { project } = request.params;
      await auth.authorize(principalOf(request), project, 'admin');
      const { group, user, role } = request.body;
      if ((group === undefined) === (user === undefined)) {
        throw new BerthError('BERTH_ERR_VALIDATION', 'give exactly one of "group" and "user"', {
          field: group === undefined ? 'group' : 'user',
        });
      }
      const kind = group === undefined ? 'user' : 'group';
      const member = await store.members.put({ project, kind, name: (group ?? user)!, role });
      auth.forgetAll();
      return reply.code(201).send(member);
    },
  });

  app.delete('/v1/projects/:project/members/:kind/:name', {
    schema: {
      tags: ['identity'],
      summary: 'Revoke the role of a directory group or user',
      operationId: 'deleteMember',
      params: Type.Object({ project: Name, kind: Name, name: MemberName }),
      response: { 204: Type.Null(), ...errorResponses },
    },
    handler: async (request, reply) => {
      const { project, kind, name } = request.params;
      await auth.authorize(principalOf(request), project, 'admin');
      const known = MEMBER_KINDS.find((k) => k === kind);
      if (!known) throw errors.notFound('Member', `${kind}:${name}`);
      await store.members.delete(project, known, name);
      auth.forgetAll();
      return reply.code(204).send(null);
    },
  });
}
