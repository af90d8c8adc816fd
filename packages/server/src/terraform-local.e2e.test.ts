/**
 * The Terraform provider on the local provider, as a user works: `berth server --provider
 * local`, the provider installed from a filesystem mirror (terraform-provider-berth/scripts/
 * build-mirror) under an unchanged `source = "berth/berth"`, and the real `tofu`. `tofu apply`
 * creates a cluster with a node group, kubectl uses the kubeconfig it outputs, `tofu destroy`
 * removes it, and the leak check finds nothing. A second apply asks for a Kubernetes release
 * whose components this server's cache lacks: the create operation fails, and tofu's error
 * shows the operation's error and its events.
 *
 * Needs root (the local provider), kubectl, go (to build the provider) and the tofu CLI
 * (`berth components install tools`); under BERTH_E2E=required (CI) a missing one fails.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import {
  cacheDirFromEnv,
  createComponentStore,
  defaultComponentsDir,
  type ComponentStore,
} from '@berth/components';
import { ProcessRunner } from '@berth/exec';
import { skipUnless, until } from '@berth/test-kit';
import {
  isReady,
  kubectl,
  nodes,
  skip,
  startBerth,
  tearDownBerth,
  type Berth,
  type E2eEnv,
} from './testing/e2e.js';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const buildMirror = path.join(repo, 'terraform-provider-berth', 'scripts', 'build-mirror');

const store: ComponentStore = createComponentStore({
  cacheDir: cacheDirFromEnv(process.env),
  componentsDir: defaultComponentsDir(),
  runner: new ProcessRunner(),
});

const hasTofu = await store.path('tofu', 'default').then(
  () => true,
  () => false,
);
const hasGo = await run('go', ['version']).then(
  () => true,
  () => false,
);
/** Why this suite cannot run here (false when it can); under BERTH_E2E=required, a throw. */
const reason = skip || skipUnless({ 'tofu (berth components install tools)': hasTofu, go: hasGo });

/**
 * A component cache holding exactly the default release (hard links into the real cache), so
 * any other release is "not installed" for the server that uses it.
 */
function defaultReleaseOnlyCache(dir: string): void {
  const real = cacheDirFromEnv(process.env);
  for (const c of store.resolve('default').components) {
    const from = path.join(real, 'components', c.name, c.version);
    if (!fs.existsSync(from)) continue; // import-only components (cluster-autoscaler)
    const to = path.join(dir, 'components', c.name, c.version);
    fs.mkdirSync(to, { recursive: true });
    for (const file of fs.readdirSync(from)) {
      if (file.startsWith('.tmp-') || file.endsWith('.lock')) continue;
      try {
        fs.linkSync(path.join(from, file), path.join(to, file));
      } catch {
        fs.copyFileSync(path.join(from, file), path.join(to, file));
      }
    }
  }
}

describe('terraform: tofu apply on the local provider', { skip: reason }, () => {
  let env: E2eEnv;
  let b: Berth;
  let tofu: string;
  let work: string;
  let tfEnv: NodeJS.ProcessEnv;
  const cacheDir = path.join(process.env.TMPDIR ?? '/tmp', `berth-tf-cache-${process.pid}`);

  const tf = async (...args: string[]) => {
    const out = await run(tofu, [...args, '-no-color'], {
      cwd: work,
      env: tfEnv,
      maxBuffer: 16 << 20,
    });
    return out.stdout;
  };

  before(async () => {
    tofu = await store.path('tofu', 'default');
    defaultReleaseOnlyCache(cacheDir);
    const realCache = process.env.BERTH_CACHE_DIR;
    process.env.BERTH_CACHE_DIR = cacheDir;
    try {
      ({ env, b } = await startBerth());
    } finally {
      if (realCache === undefined) delete process.env.BERTH_CACHE_DIR;
      else process.env.BERTH_CACHE_DIR = realCache;
    }
    work = path.join(env.dataDir, 'tf');
    const mirror = path.join(env.dataDir, 'mirror');
    fs.mkdirSync(work, { recursive: true });
    await run(buildMirror, [mirror], { maxBuffer: 16 << 20 });
    const cliConfig = path.join(env.dataDir, 'cli.tfrc');
    fs.writeFileSync(
      cliConfig,
      `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["berth/berth"]\n  }\n}\n`,
    );
    tfEnv = {
      ...process.env,
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_IN_AUTOMATION: '1',
      CHECKPOINT_DISABLE: '1',
      BERTH_ENDPOINT: b.url,
      // The provider verifies Berth's API (HTTPS by default) against its CA.
      BERTH_CA_FILE: b.caFile,
      BERTH_TOKEN: b.token,
      BERTH_PROJECT: 'default',
    };
    delete tfEnv.BERTH_CONFIG;
  });

  after(async () => {
    try {
      if (b === undefined) return;
      // A failed test may leave what it applied: destroy it (tearDownBerth deletes the rest).
      if (work !== undefined) await tf('destroy', '-auto-approve', '-input=false').catch(() => {});
      await tearDownBerth(env, b);
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  test('apply, kubectl with the kubeconfig it outputs, destroy', async () => {
    fs.writeFileSync(
      path.join(work, 'main.tf'),
      `terraform {
  required_providers {
    berth = { source = "berth/berth" }
  }
}

resource "berth_kubernetes_cluster" "demo" {
  name = "tf-local"
}

resource "berth_kubernetes_node_group" "workers" {
  cluster_id = berth_kubernetes_cluster.demo.id
  name       = "workers"
  node_count = 2
}

output "kubeconfig" {
  value     = berth_kubernetes_cluster.demo.kubeconfig
  sensitive = true
}
`,
    );
    await tf('init', '-input=false');
    await tf('apply', '-auto-approve', '-input=false');
    const kubeconfig = path.join(env.dataDir, 'tf-local.kubeconfig');
    fs.writeFileSync(kubeconfig, await tf('output', '-raw', 'kubeconfig'), { mode: 0o600 });
    assert.equal((await kubectl(kubeconfig, 'get', '--raw', '/readyz')).trim(), 'ok');
    const ready = await until(
      '2 Ready nodes',
      async () => {
        const list = await nodes(kubeconfig);
        return list.length === 2 && list.every(isReady) ? list : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    for (const node of ready) {
      assert.equal(node.metadata.labels['berth.dev/nodegroup'], 'workers');
    }
    // Nothing left to do: what was applied reads back as configured.
    await run(tofu, ['plan', '-detailed-exitcode', '-input=false', '-no-color'], {
      cwd: work,
      env: tfEnv,
    });

    await tf('destroy', '-auto-approve', '-input=false');
    const left = (await b.api('GET', '/v1/projects/default/clusters')).items as unknown[];
    assert.deepEqual(left, [], 'tofu destroy removed the cluster');
    assert.deepEqual(await b.servers('tf-local'), [], 'and every server of it');
  });

  test('a failed operation shows its error and events', async (t) => {
    const other = Object.keys(store.versions.releases).find(
      (minor) => minor !== store.versions.defaultRelease,
    );
    if (other === undefined) {
      t.skip('versions.json has a single release: no release is missing from the cache');
      return;
    }
    fs.writeFileSync(
      path.join(work, 'main.tf'),
      `terraform {
  required_providers {
    berth = { source = "berth/berth" }
  }
}

resource "berth_kubernetes_cluster" "broken" {
  name    = "tf-broken"
  version = "${other}"
}
`,
    );
    const failed = await tf('apply', '-auto-approve', '-input=false').then(
      () => assert.fail(`apply of a ${other} cluster without its components succeeded`),
      (err: { stderr: string; stdout: string }) => `${err.stdout}\n${err.stderr}`,
    );
    t.diagnostic(`tofu apply said:\n${failed.trim()}`);
    assert.match(failed, /Creating cluster tf-broken failed/);
    assert.match(failed, /operation op-\S+ \(ClusterCreate\) failed: .*not installed/s);
    assert.match(failed, /BERTH_ERR_COMPONENT_MISSING/);
    assert.match(failed, /Events since it was requested:.*CreateRequested/s);
    // The failed cluster stays in state (tainted), so destroy removes it.
    await tf('destroy', '-auto-approve', '-input=false');
    const left = (await b.api('GET', '/v1/projects/default/clusters')).items as unknown[];
    assert.deepEqual(left, []);
  });
});
