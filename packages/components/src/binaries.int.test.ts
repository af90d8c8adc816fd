/**
 * The real binaries in the component cache: every buildable binary of the default release (the
 * control plane, a real node's kubelet, kube-proxy, containerd, runc and CNI plugins, the images'
 * pause, CoreDNS and busybox, the registry) runs its version command and names the pinned
 * version. It reads the cache `berth components install default` filled (scripts/bootstrap does
 * that before the tests); a missing binary skips its check on a developer's machine, and fails
 * under CI=true or BERTH_E2E=required, where the cache must be complete.
 */
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BerthError } from '@berth/errors';
import { ProcessRunner } from '@berth/exec';
import { cacheDirFromEnv } from './env.js';
import { createComponentStore } from './store.js';
import { readGoBuildInfo, versionReported } from './version-probe.js';
import { defaultComponentsDir, isBuildable } from './versions.js';

const required = process.env.CI === 'true' || process.env.BERTH_E2E === 'required';
const runner = new ProcessRunner();
const store = createComponentStore({
  cacheDir: cacheDirFromEnv(process.env),
  componentsDir: defaultComponentsDir(),
  runner,
});
const release = store.resolve(store.versions.defaultRelease);

for (const component of release.components.filter(isBuildable)) {
  for (const [binary, spec] of Object.entries(component.spec.binaries)) {
    // A binary without a version command (cluster-autoscaler) shows its flags instead, and its
    // version is read from its Go build information.
    const buildInfo = spec.versionFrom === 'buildinfo';
    const args = buildInfo ? ['--help'] : spec.versionArgs;
    test(`${binary} ${component.version} from the cache runs \`${[binary, ...args].join(' ')}\``, async (t) => {
      let file: string;
      try {
        file = await store.path(binary, release.minor);
      } catch (err) {
        const missing = err instanceof BerthError && err.code === 'BERTH_ERR_COMPONENT_MISSING';
        if (missing && !required) {
          t.skip(`${binary} not installed (berth components install ${release.minor})`);
          return;
        }
        throw err;
      }
      const result = await runner.run(file, args, { check: false });
      const output = `${result.stdout}\n${result.stderr}`;
      if (buildInfo) {
        // pflag's --help exits 2; what matters is that it runs and lists the cloud provider.
        assert.match(output, /--cloud-provider string.*\[externalgrpc\]/, output.slice(0, 300));
        const info = readGoBuildInfo(await readFile(file)) ?? '';
        assert.ok(
          versionReported(info, component.version, spec.versionPattern),
          `${binary}'s build information does not name ${component.version}: ${info.slice(0, 300)}`,
        );
        return;
      }
      assert.equal(
        result.exitCode,
        0,
        `${binary} exited ${result.exitCode}: ${output.slice(0, 300)}`,
      );
      assert.ok(
        versionReported(output, component.version, spec.versionPattern),
        `${binary} does not name ${component.version}: ${output.slice(0, 300)}`,
      );
    });
  }
}
