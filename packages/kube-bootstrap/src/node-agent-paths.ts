import { fileURLToPath } from 'node:url';

/**
 * The programs Berth's own user data runs on servers: the Node.js runtime running Berth, and
 * scripts of this package's build output — the worker's registration and the master's etcd
 * start-up. Servers share the host's filesystem (local provider) or get this package installed
 * (VMs), so host paths work in both.
 */
export interface NodeAgentPaths {
  node: string;
  registerScript: string;
  etcdMemberScript: string;
}

export function nodeAgentPaths(): NodeAgentPaths {
  const script = (name: string) => fileURLToPath(new URL(`./node-agent/${name}`, import.meta.url));
  return {
    node: process.execPath,
    registerScript: script('register.js'),
    etcdMemberScript: script('etcd-member.js'),
  };
}
