import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the worker's registration script in this package's build output. Servers
 * share the host's filesystem (local provider) or get this package installed (VMs), so the
 * path works in both.
 */
export function registerScriptPath(): string {
  return fileURLToPath(new URL('./node-agent/register.js', import.meta.url));
}
