// Command terraform-provider-berth is the Terraform (and OpenTofu) provider for Berth, source
// address berth/berth. `go build .` here builds it; Terraform starts it as a plugin.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"berth.dev/terraform-provider-berth/internal/provider"
)

// version is stamped by release builds: -ldflags "-X main.version=0.1.0".
var version = "0.1.0"

func main() {
	debug := flag.Bool("debug", false, "run with support for debuggers like delve (prints TF_REATTACH_PROVIDERS)")
	flag.Parse()
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: provider.Address,
		Debug:   *debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
