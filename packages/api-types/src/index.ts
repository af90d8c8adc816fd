/**
 * @berth/api-types — the /v1 resource model as TypeBox schemas (JSON Schema at runtime, static
 * types at compile time), plus the defaults and semantic validators every writer shares.
 *
 * - Kubernetes-style objects (`apiVersion`, `kind`, `metadata`, `spec`, `status`): Cluster,
 *   NodeGroup, Project. Plain records: Token, Operation, ClusterEvent, ClusterNode, catalog
 *   items, InfraObject.
 * - `…Input` / `…CreateRequest` schemas describe what clients send (optional fields, defaulted by
 *   `applyClusterDefaults` / `applyNodeGroupDefaults`); the plain schemas describe stored objects.
 * - `validateClusterSpec` / `validateNodeGroupSpec` enforce what JSON Schema cannot (CIDRs, bounds,
 *   uniqueness, catalog names) and throw BERTH_ERR_VALIDATION with the field path.
 */
export * from './schema-helpers.js';
export * from './limits.js';
export * from './meta.js';
export * from './node-group.js';
export * from './cluster.js';
export * from './cluster-metrics.js';
export * from './monitoring.js';
export * from './project.js';
export * from './token.js';
export * from './identity.js';
export * from './problem.js';
export * from './operation.js';
export * from './event.js';
export * from './node.js';
export * from './catalog.js';
export * from './infra.js';
export * from './defaults.js';
export * from './versions.js';
export * from './validate.js';
export * from './registry.js';
export * from './addon-settings.js';
