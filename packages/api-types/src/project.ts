/** Project: the tenancy boundary. Every object lives in one; a token sees only its projects. */
import { Type, type Static } from '@sinclair/typebox';
import { API_VERSION, ListMeta, ProjectName } from './meta.js';
import { Closed, Labels, Timestamp } from './schema-helpers.js';

export const DEFAULT_PROJECT = 'default';

export const ProjectMeta = Closed({
  name: Type.String(),
  uid: Type.String(),
  resourceVersion: Type.String(),
  labels: Labels,
  createdAt: Timestamp,
});
export type ProjectMeta = Static<typeof ProjectMeta>;

export const ProjectSpec = Closed({
  description: Type.String({
    maxLength: 1000,
    pattern: '^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f]*$',
  }),
});
export type ProjectSpec = Static<typeof ProjectSpec>;

export const Project = Closed(
  {
    apiVersion: Type.Literal(API_VERSION),
    kind: Type.Literal('Project'),
    metadata: ProjectMeta,
    spec: ProjectSpec,
  },
  { title: 'Project' },
);
export type Project = Static<typeof Project>;

export const ProjectCreateRequest = Closed({
  apiVersion: Type.Optional(Type.Literal(API_VERSION)),
  kind: Type.Optional(Type.Literal('Project')),
  metadata: Closed({ name: ProjectName, labels: Type.Optional(Labels) }),
  spec: Type.Optional(Closed({ description: Type.Optional(ProjectSpec.properties.description) })),
});
export type ProjectCreateRequest = Static<typeof ProjectCreateRequest>;

export const ProjectList = Closed({
  apiVersion: Type.Literal(API_VERSION),
  kind: Type.Literal('ProjectList'),
  metadata: ListMeta,
  items: Type.Array(Project),
});
export type ProjectList = Static<typeof ProjectList>;
