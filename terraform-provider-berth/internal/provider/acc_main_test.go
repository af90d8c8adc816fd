package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"berth.dev/terraform-provider-berth/internal/acctest"
	"berth.dev/terraform-provider-berth/internal/client"
)

// Acceptance tests (TestAcc…) run the real CLI named by TF_ACC_TERRAFORM_PATH against a real
// `berth server --provider memory` started here, when TF_ACC is set; unit tests always run.
var (
	accServer *acctest.Server
	accCLI    acctest.CLI
	// accAPI talks to the same server as the provider, to check what Terraform did and to
	// change things behind its back (drift).
	accAPI *client.Client
)

func TestMain(m *testing.M) { os.Exit(runTests(m)) }

func runTests(m *testing.M) int {
	if os.Getenv("TF_ACC") == "" {
		if acctest.Required() {
			fmt.Fprintln(os.Stderr, "CI=true or BERTH_E2E=required: the acceptance tests must run; set TF_ACC=1 and TF_ACC_TERRAFORM_PATH (node scripts/run-tests.mjs does)")
			return 1
		}
		return m.Run()
	}
	cli, err := acctest.FindCLI()
	if err != nil {
		// Never skipped: without a path, terraform-plugin-testing would look on PATH or download one.
		fmt.Fprintln(os.Stderr, "acceptance tests:", err)
		return 1
	}
	accCLI = cli
	configHome, err := os.MkdirTemp("", "berth-tfacc-config-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(configHome)
	// An empty CLI configuration of our own: a user's (or this machine's TF_CLI_CONFIG_FILE)
	// must not change how the CLI finds providers.
	cliConfig := filepath.Join(configHome, "cli.tfrc")
	if err := os.WriteFile(cliConfig, []byte("# berth acceptance tests\n"), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for k, v := range map[string]string{
		"TF_CLI_CONFIG_FILE": cliConfig,
		"CHECKPOINT_DISABLE": "1", // Terraform must not call home
		// Reattached providers are addressed <host>/berth/berth, what source = "berth/berth" means to this CLI.
		"TF_ACC_PROVIDER_NAMESPACE": "berth",
		"TF_ACC_PROVIDER_HOST":      cli.RegistryHost(),
		// A developer's `berth login` must not leak into the tests.
		"XDG_CONFIG_HOME": configHome,
	} {
		os.Setenv(k, v)
	}
	os.Unsetenv("BERTH_CONFIG")
	srv, err := acctest.StartServer("memory")
	if err != nil {
		fmt.Fprintln(os.Stderr, "acceptance tests:", err)
		return 1
	}
	accServer = srv
	os.Setenv("BERTH_ENDPOINT", srv.Endpoint)
	os.Setenv("BERTH_TOKEN", srv.Token)
	os.Setenv("BERTH_PROJECT", client.DefaultProject)
	// The server speaks HTTPS with its own CA: the provider reads it from BERTH_CA_FILE and
	// verifies the server against it (TestAccProviderCACertificate covers the other sources).
	os.Setenv("BERTH_CA_FILE", srv.CAFile)
	accAPI, _ = client.New(client.Config{Endpoint: srv.Endpoint, Token: srv.Token, CACertificatePEM: srv.CAPEM})
	fmt.Printf("acceptance tests: %s (%s) against berth server %s (memory provider)\n", cli.Path, cli.Kind, srv.Endpoint)
	code := m.Run()
	if code != 0 {
		fmt.Fprintf(os.Stderr, "--- berth server log (last lines)\n%s\n", srv.LogTail(40))
	}
	if err := srv.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "stopping berth server:", err)
	}
	return code
}

// accProviders serves the provider in-process (terraform-plugin-testing reattaches the CLI).
var accProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"berth": providerserver.NewProtocol6WithError(New("acc")()),
}

// accConfig is a configuration as users write it: the provider required by its source address.
func accConfig(body string) string {
	return "terraform {\n  required_providers {\n    berth = { source = \"berth/berth\" }\n  }\n}\n\n" + body
}

var bg = context.Background()

// requireAcc skips an acceptance test unless TestMain started its server (TF_ACC set; in CI,
// TestMain has already failed the run when it is not).
func requireAcc(t *testing.T) {
	t.Helper()
	if accServer == nil {
		t.Skip("acceptance test: set TF_ACC=1 and TF_ACC_TERRAFORM_PATH")
	}
}
