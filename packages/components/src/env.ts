import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where binaries are cached: `$BERTH_CACHE_DIR`, else `$XDG_CACHE_HOME/berth`, else `~/.cache/berth`. */
export function cacheDirFromEnv(env: NodeJS.ProcessEnv): string {
  if (env.BERTH_CACHE_DIR) return env.BERTH_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'berth');
  return join(homedir(), '.cache', 'berth');
}

/** The mirror of release binaries named by `$BERTH_COMPONENTS_MIRROR`, if any. */
export function mirrorUrlFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  return env.BERTH_COMPONENTS_MIRROR || undefined;
}
