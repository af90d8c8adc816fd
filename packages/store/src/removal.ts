/**
 * Final removal of rows once deletion was requested and no finalizer remains. A cluster takes its
 * node groups and event history with it; its operations stay readable.
 */
import type { WriteContext } from './session.js';

export async function removeCluster(
  ctx: WriteContext,
  row: { uid: string; project: string; name: string },
): Promise<void> {
  const groups = await ctx.db
    .selectFrom('node_groups')
    .select(['uid', 'name'])
    .where('cluster_uid', '=', row.uid)
    .execute();
  for (const group of groups) {
    const id = await ctx.nextVersion();
    await ctx.recordChange({
      id,
      kind: 'NodeGroup',
      type: 'delete',
      project: row.project,
      cluster: row.name,
      name: group.name,
      uid: group.uid,
    });
  }
  await ctx.db.deleteFrom('node_groups').where('cluster_uid', '=', row.uid).execute();
  await ctx.db.deleteFrom('events').where('cluster_uid', '=', row.uid).execute();
  await ctx.db.deleteFrom('cluster_audit').where('cluster_uid', '=', row.uid).execute();
  await ctx.db.deleteFrom('clusters').where('uid', '=', row.uid).execute();
  const id = await ctx.nextVersion();
  await ctx.recordChange({
    id,
    kind: 'Cluster',
    type: 'delete',
    project: row.project,
    name: row.name,
    uid: row.uid,
  });
}

export async function removeNodeGroup(
  ctx: WriteContext,
  row: { uid: string; project: string; cluster: string; name: string },
): Promise<void> {
  await ctx.db.deleteFrom('node_groups').where('uid', '=', row.uid).execute();
  const id = await ctx.nextVersion();
  await ctx.recordChange({
    id,
    kind: 'NodeGroup',
    type: 'delete',
    project: row.project,
    cluster: row.cluster,
    name: row.name,
    uid: row.uid,
  });
}
