// Package provider is the Terraform provider for Berth (source address berth/berth): the
// provider block, the resources, the data sources and what they share. It reaches Berth only
// through the public /v1 API (package client).
package provider

import (
	"context"
	"errors"
	"os"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"berth.dev/terraform-provider-berth/internal/client"
)

// Address is the provider's source address in the registry convention.
const Address = "registry.terraform.io/berth/berth"

// BerthProvider is the provider; Version is stamped into the binary at build time.
type BerthProvider struct {
	Version string
}

// New returns a provider factory for providerserver.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &BerthProvider{Version: version} }
}

type providerModel struct {
	Endpoint      types.String `tfsdk:"endpoint"`
	Token         types.String `tfsdk:"token"`
	Project       types.String `tfsdk:"project"`
	ConfigFile    types.String `tfsdk:"config_file"`
	CACertificate types.String `tfsdk:"ca_certificate"`
	Insecure      types.Bool   `tfsdk:"insecure"`
}

// providerData is what Configure hands every resource and data source.
type providerData struct {
	client *client.Client
	// project is the default project of project-scoped resources.
	project string

	mu      sync.Mutex
	catalog *client.Catalog
}

// catalogOnce reads the catalogs once per provider process (one Terraform command): plans
// check names against them, and they change only when Berth is redeployed.
func (d *providerData) catalogOnce(ctx context.Context) (*client.Catalog, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.catalog != nil {
		return d.catalog, nil
	}
	cat, err := d.client.FetchCatalog(ctx)
	if err != nil {
		return nil, err
	}
	d.catalog = cat
	return cat, nil
}

func (p *BerthProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "berth"
	resp.Version = p.Version
}

func (p *BerthProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Berth: Kubernetes as a Service that a platform team runs itself. Each setting is taken " +
			"from the first of: this block, the environment (BERTH_ENDPOINT, BERTH_TOKEN, BERTH_PROJECT), " +
			"the CLI config file written by `berth login`, the default.",
		Attributes: map[string]schema.Attribute{
			"endpoint": schema.StringAttribute{
				Optional:    true,
				Description: "Berth API address, e.g. `https://127.0.0.1:8080` (env `BERTH_ENDPOINT`).",
			},
			"token": schema.StringAttribute{
				Optional:    true,
				Sensitive:   true,
				Description: "API token `berth_…` (env `BERTH_TOKEN`).",
			},
			"project": schema.StringAttribute{
				Optional:    true,
				Description: "Project that project-scoped resources use when they name none (env `BERTH_PROJECT`; default `default`).",
			},
			"config_file": schema.StringAttribute{
				Optional: true,
				Description: "The `berth` CLI config file to read endpoint, token and project from. Default: " +
					"`$BERTH_CONFIG`, else `$XDG_CONFIG_HOME/berth/config.yaml`, else `~/.config/berth/config.yaml`.",
			},
			"ca_certificate": schema.StringAttribute{
				Optional: true,
				Description: "PEM certificate of the CA that signed an https endpoint's certificate (instead of the system's CAs). " +
					"Default: the file `BERTH_CA_FILE` names, else the CA `berth login` recorded in the config file.",
			},
			"insecure": schema.BoolAttribute{
				Optional:    true,
				Description: "Skip verification of an https endpoint's certificate. For development only.",
			},
		},
	}
}

func (p *BerthProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for name, v := range map[string]interface{ IsUnknown() bool }{
		"endpoint": cfg.Endpoint, "token": cfg.Token, "project": cfg.Project, "config_file": cfg.ConfigFile,
		"ca_certificate": cfg.CACertificate, "insecure": cfg.Insecure,
	} {
		if v.IsUnknown() {
			// Known only after another resource is applied; Terraform configures again then.
			tflog.Debug(ctx, "provider setting unknown during plan", map[string]any{"setting": name})
			return
		}
	}
	home, _ := os.UserHomeDir()
	settings, err := client.Resolve(client.Explicit{
		Endpoint:      cfg.Endpoint.ValueString(),
		Token:         cfg.Token.ValueString(),
		Project:       cfg.Project.ValueString(),
		ConfigFile:    cfg.ConfigFile.ValueString(),
		CACertificate: cfg.CACertificate.ValueString(),
	}, os.Getenv, home)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("config_file"), "Cannot read the Berth CLI config file", err.Error())
		return
	}
	if settings.Endpoint == "" {
		resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "No Berth endpoint",
			"Set endpoint in the provider block, or BERTH_ENDPOINT, or run `berth login` (its config file is read too).")
		return
	}
	c, err := client.New(client.Config{
		Endpoint:         settings.Endpoint,
		Token:            settings.Token,
		CACertificatePEM: settings.CACertificate,
		Insecure:         cfg.Insecure.ValueBool(),
		UserAgent:        "terraform-provider-berth/" + p.Version,
	})
	if err != nil {
		attr := "endpoint"
		if errors.Is(err, client.ErrCACertificate) {
			attr = "ca_certificate"
		}
		resp.Diagnostics.AddAttributeError(path.Root(attr), "Invalid Berth connection settings", err.Error())
		return
	}
	tflog.Info(ctx, "configured Berth provider", map[string]any{
		"endpoint": settings.Endpoint, "project": settings.Project,
		"endpoint_from": settings.Sources["endpoint"], "token_from": settings.Sources["token"],
	})
	data := &providerData{client: c, project: settings.Project}
	resp.ResourceData = data
	resp.DataSourceData = data
}

func (p *BerthProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewClusterResource,
		NewNodeGroupResource,
		NewProjectResource,
		NewTokenResource,
	}
}

func (p *BerthProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewVersionsDataSource,
		NewFlavorsDataSource,
		NewZonesDataSource,
		NewClusterDataSource,
	}
}
