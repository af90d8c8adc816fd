/**
 * The API's user data in the agent's terms. A local server has no filesystem of its own: its
 * "/" is the root dir under its server directory, so `/etc/berth/x` is written to
 * `<server dir>/root/etc/berth/x`, and services run with that root as working directory and
 * `BERTH_SERVER_ROOT` in their environment. Services start in `after` order.
 */
import { providerErrors, type UserData } from '@berth/provider-api';
import type { ServiceSpec, UserData as AgentUserData } from '../agent/user-data.js';

export function toAgentUserData(userData: UserData): AgentUserData {
  return {
    files: userData.files.map((f) => ({
      path: rebase(f.path),
      content: f.content,
      ...(f.encoding === undefined ? {} : { encoding: f.encoding }),
      ...(f.mode === undefined ? {} : { mode: f.mode }),
    })),
    services: startOrder(userData).map((s): ServiceSpec => {
      const [command, ...args] = s.command;
      if (command === undefined)
        throw providerErrors.invalid(`userData.services.${s.name}.command`, 'empty');
      return {
        name: s.name,
        command,
        args,
        ...(s.env === undefined ? {} : { env: s.env }),
        ...(s.workingDir === undefined ? {} : { cwd: rebase(s.workingDir) }),
        restart: s.restart ?? 'always',
        ...(s.after === undefined ? {} : { after: s.after }),
        ...(s.stopTimeoutSec === undefined ? {} : { stopTimeoutSec: s.stopTimeoutSec }),
      };
    }),
  };
}

/** `/etc/x` → `etc/x` (relative to the server root); `..` cannot climb out (the agent checks). */
function rebase(p: string): string {
  return p.replace(/^\/+/, '') || '.';
}

/** Services ordered so each comes after those it names in `after`. @throws VALIDATION on cycles */
function startOrder(userData: UserData): UserData['services'] {
  const byName = new Map(userData.services.map((s) => [s.name, s]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const order: UserData['services'] = [];
  const visit = (name: string) => {
    if (done.has(name)) return;
    if (visiting.has(name))
      throw providerErrors.invalid('userData.services', `cycle through ${name}`);
    const service = byName.get(name);
    if (service === undefined) return;
    visiting.add(name);
    for (const dep of service.after ?? []) visit(dep);
    visiting.delete(name);
    done.add(name);
    order.push(service);
  };
  for (const s of userData.services) visit(s.name);
  return order;
}
