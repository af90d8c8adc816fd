package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"berth.dev/terraform-provider-berth/internal/acctest"
	"berth.dev/terraform-provider-berth/internal/client"
)

// TestAccInstallFromMirror installs the built provider the way users do — from a filesystem
// mirror that scripts/build-mirror lays out — and applies examples/quickstart, whose
// required_providers block says only source = "berth/berth": the real CLI starts the real
// plugin binary (no reattach). Then the plan is empty, and destroy leaves nothing.
func TestAccInstallFromMirror(t *testing.T) {
	requireAcc(t)
	root, err := acctest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	module := filepath.Join(root, "terraform-provider-berth")
	work := t.TempDir()
	mirror := filepath.Join(work, "mirror")
	build := exec.Command(filepath.Join(module, "scripts", "build-mirror"), mirror)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("scripts/build-mirror: %v\n%s", err, out)
	}

	cliConfig := filepath.Join(work, "cli.tfrc")
	writeTestFile(t, cliConfig, fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["berth/berth"]
  }
}
`, mirror))
	config := filepath.Join(work, "config")
	copyDir(t, filepath.Join(module, "examples", "quickstart"), config)
	env := []string{"TF_CLI_CONFIG_FILE=" + cliConfig}
	run := func(args ...string) string {
		t.Helper()
		out, err := accCLI.Run(config, env, args...)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	if _, err := accCLI.Run(filepath.Join(module, "examples"), env, "fmt", "-check", "-recursive"); err != nil {
		t.Fatalf("examples are not formatted: %v", err)
	}
	init := run("init", "-input=false", "-no-color")
	if !strings.Contains(init, accCLI.RegistryHost()+"/berth/berth") && !strings.Contains(init, "berth/berth") {
		t.Fatalf("init did not install berth/berth:\n%s", init)
	}
	t.Cleanup(func() {
		if _, err := accCLI.Run(config, env, "destroy", "-auto-approve", "-input=false", "-no-color", "-var", "name=acc-mirror"); err != nil {
			t.Errorf("destroy: %v", err)
		}
		if _, err := accAPI.GetCluster(bg, "default", "acc-mirror"); !client.IsNotFound(err) {
			t.Errorf("cluster acc-mirror still exists after destroy (err %v)", err)
		}
	})
	run("apply", "-auto-approve", "-input=false", "-no-color", "-var", "name=acc-mirror")

	// What the example made, as the API sees it.
	for group, count := range map[string]int64{"web": 2, "batch": 1} {
		ng, err := accAPI.GetNodeGroup(bg, "default", "acc-mirror", group)
		if err != nil {
			t.Fatalf("node group %s: %v", group, err)
		}
		if ng.Spec.Count != count || ng.Status.Phase != "Running" {
			t.Errorf("node group %s: count %d, phase %s", group, ng.Spec.Count, ng.Status.Phase)
		}
	}
	var outputs map[string]struct {
		Value any `json:"value"`
	}
	if err := json.Unmarshal([]byte(run("output", "-json")), &outputs); err != nil {
		t.Fatal(err)
	}
	if endpoint, _ := outputs["endpoint"].Value.(string); !strings.HasPrefix(endpoint, "https://") {
		t.Errorf("output endpoint = %v", outputs["endpoint"].Value)
	}
	// A second plan finds nothing to do: what was applied reads back identical.
	if _, err := accCLI.Run(config, env, "plan", "-detailed-exitcode", "-input=false", "-no-color", "-var", "name=acc-mirror"); err != nil {
		t.Fatalf("plan after apply is not empty: %v", err)
	}
}

func writeTestFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(to, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tf") {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		writeTestFile(t, filepath.Join(to, e.Name()), string(raw))
	}
}
