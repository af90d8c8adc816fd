/**
 * A runner whose commands run in another mount namespace (`nsenter --mount=<file>`): the Node
 * service acting for a node whose mounts live in that node's private namespace, from outside
 * it (e.g. a plugin process Berth runs on the host for a local node, or a test).
 */
import type { CommandRunner, RunOptions, RunResult } from '@berth/exec';

export class MountNamespaceRunner implements CommandRunner {
  constructor(
    private readonly inner: CommandRunner,
    /** The namespace's file, e.g. a local server's `ns/mnt`. */
    private readonly namespaceFile: string,
  ) {}

  run(command: string, args: readonly string[], options?: RunOptions): Promise<RunResult> {
    return this.inner.run(
      'nsenter',
      [`--mount=${this.namespaceFile}`, '--', command, ...args],
      options,
    );
  }
}
