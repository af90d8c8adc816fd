/**
 * nftables tables, replaced atomically: one `nft -f -` transaction declares the table (so the
 * delete cannot fail), deletes it and loads the new body, so packets never see a half ruleset.
 */
import { runIn, type NetContext } from './context.js';

export type NftFamily = 'ip' | 'ip6' | 'inet' | 'bridge' | 'arp' | 'netdev';

export interface NftTableRef {
  family: NftFamily;
  name: string;
  /** Namespace holding the table; the host's when undefined. */
  ns?: string;
}

/** The script `applyTable` loads; exported for tests. */
export function replaceTableScript(ref: NftTableRef, body: string): string {
  return `add table ${ref.family} ${ref.name}\ndelete table ${ref.family} ${ref.name}\n${body}`;
}

/** Loads `body` (a full `table <family> <name> { … }` definition) in place of the old table. */
export async function applyTable(ctx: NetContext, ref: NftTableRef, body: string): Promise<void> {
  await runIn(ctx, ref.ns, 'nft', ['-f', '-'], { input: replaceTableScript(ref, body) });
}

/** Deletes the table if present. */
export async function deleteTable(ctx: NetContext, ref: NftTableRef): Promise<void> {
  const tables = await listTables(ctx, ref.ns);
  if (tables.some((t) => t.family === ref.family && t.name === ref.name)) {
    await runIn(ctx, ref.ns, 'nft', ['delete', 'table', ref.family, ref.name]);
  }
}

export async function listTables(
  ctx: NetContext,
  ns?: string,
): Promise<Array<{ family: NftFamily; name: string }>> {
  const out = await runIn(ctx, ns, 'nft', ['-j', 'list', 'tables']);
  return parseTableList(out.stdout);
}

export function parseTableList(stdout: string): Array<{ family: NftFamily; name: string }> {
  const text = stdout.trim();
  if (text === '') return [];
  const doc = JSON.parse(text) as {
    nftables?: Array<{ table?: { family: NftFamily; name: string } }>;
  };
  return (doc.nftables ?? []).flatMap((entry) =>
    entry.table ? [{ family: entry.table.family, name: entry.table.name }] : [],
  );
}
