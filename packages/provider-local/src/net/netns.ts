/**
 * Network namespaces, idempotently: creating one that exists and deleting one that is gone
 * both succeed.
 */
import { ipArgs, run, type NetContext } from './context.js';

/** Namespaces whose name starts with `prefix`, sorted. */
export async function listNamespaces(ctx: NetContext, prefix: string): Promise<string[]> {
  const out = await run(ctx, 'ip', ['-j', 'netns', 'list']);
  return parseNamespaceList(out.stdout)
    .filter((name) => name.startsWith(prefix))
    .sort();
}

/** `ip -j netns list` prints nothing at all when /run/netns does not exist yet. */
export function parseNamespaceList(stdout: string): string[] {
  const text = stdout.trim();
  if (text === '') return [];
  const entries = JSON.parse(text) as Array<{ name: string }>;
  return entries.map((e) => e.name);
}

export async function namespaceExists(ctx: NetContext, name: string): Promise<boolean> {
  const out = await run(ctx, 'ip', ['-j', 'netns', 'list']);
  return parseNamespaceList(out.stdout).includes(name);
}

/** Creates namespace `name` if absent and brings its loopback up. */
export async function ensureNamespace(ctx: NetContext, name: string): Promise<void> {
  if (!(await namespaceExists(ctx, name))) {
    await run(ctx, 'ip', ['netns', 'add', name]);
  }
  await run(ctx, 'ip', ipArgs(name, ['link', 'set', 'lo', 'up']));
}

/**
 * Deletes namespace `name` if present. Interfaces inside it disappear with it — veth peers in
 * other namespaces too — once no process holds the namespace any more, so callers stop the
 * namespace's processes first.
 */
export async function deleteNamespace(ctx: NetContext, name: string): Promise<void> {
  if (await namespaceExists(ctx, name)) {
    await run(ctx, 'ip', ['netns', 'del', name]);
  }
}

/** PIDs of processes whose network namespace is `name` (empty when it does not exist). */
export async function namespacePids(ctx: NetContext, name: string): Promise<number[]> {
  const out = await run(ctx, 'ip', ['netns', 'pids', name], { check: false });
  if (out.exitCode !== 0) return [];
  return out.stdout
    .split('\n')
    .map((line) => Number.parseInt(line.trim(), 10))
    .filter((pid) => Number.isInteger(pid) && pid > 0);
}
