/** The driver's protocol for tests. */
import { cacheDirFromEnv } from '@berth/components';
import { ProcessRunner } from '@berth/exec';
import { ensureCsiProto } from '../csi-proto.js';

/**
 * The verified `csi.proto` from Berth's cache (`$BERTH_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/berth`, else `~/.cache/berth`), downloaded with the host's `go` on first use.
 */
export function testCsiProto(): Promise<string> {
  return ensureCsiProto(cacheDirFromEnv(process.env), { runner: new ProcessRunner() });
}
