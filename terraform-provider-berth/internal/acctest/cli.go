package acctest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// CLI is the Terraform-compatible command line the acceptance tests drive.
type CLI struct {
	Path string
	// Kind is "tofu" or "terraform".
	Kind string
}

// RegistryHost is where `source = "berth/berth"` points for this CLI: OpenTofu's default
// registry is registry.opentofu.org, Terraform's registry.terraform.io.
func (c CLI) RegistryHost() string {
	if c.Kind == "tofu" {
		return "registry.opentofu.org"
	}
	return "registry.terraform.io"
}

// FindCLI reads TF_ACC_TERRAFORM_PATH (the variable terraform-plugin-testing reads). It is an
// error when unset or not executable: the tests never look on PATH or download a CLI.
func FindCLI() (CLI, error) {
	p := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if p == "" {
		return CLI{}, errors.New("TF_ACC_TERRAFORM_PATH is not set: point it at a tofu or terraform binary " +
			"(`bin/berth components install tools` builds both; `bin/berth components path tofu` prints where)")
	}
	info, err := os.Stat(p)
	if err != nil || info.IsDir() || info.Mode()&0o111 == 0 {
		return CLI{}, fmt.Errorf("TF_ACC_TERRAFORM_PATH=%s is not an executable file", p)
	}
	kind := "terraform"
	if strings.HasPrefix(filepath.Base(p), "tofu") {
		kind = "tofu"
	}
	return CLI{Path: p, Kind: kind}, nil
}

// Run runs the CLI in dir with the given extra environment and returns its combined output.
func (c CLI) Run(dir string, env []string, args ...string) (string, error) {
	cmd := exec.Command(c.Path, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %w\n%s", filepath.Base(c.Path), strings.Join(args, " "), err, out)
	}
	return string(out), nil
}
