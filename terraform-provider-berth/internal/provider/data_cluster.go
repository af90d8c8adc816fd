package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"berth.dev/terraform-provider-berth/internal/validate"
)

var _ datasource.DataSourceWithConfigure = (*clusterDataSource)(nil)

// NewClusterDataSource is the berth_kubernetes_cluster data source: an existing cluster with
// its kubeconfig, e.g. to configure the kubernetes and helm providers for a cluster made elsewhere.
func NewClusterDataSource() datasource.DataSource { return &clusterDataSource{} }

type clusterDataSource struct{ data *providerData }

func pathOf(name string) path.Path { return path.Root(name) }

func (d *clusterDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_kubernetes_cluster"
}

func (d *clusterDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(description string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, Description: description}
	}
	strings := func(description string) schema.ListAttribute {
		return schema.ListAttribute{Computed: true, ElementType: types.StringType, Description: description}
	}
	resp.Schema = schema.Schema{
		Description: "An existing cluster, with its admin kubeconfig (e.g. to configure the `kubernetes` and `helm` providers).",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Required:    true,
				Description: "Cluster name.",
				Validators:  []validator.String{check("a cluster name", func(s string) string { return validate.DNSLabel(s, validate.MaxClusterName) })},
			},
			"project": schema.StringAttribute{
				Optional:    true,
				Computed:    true,
				Description: "Project of the cluster; default: the provider's project.",
				Validators:  []validator.String{check("a project name", func(s string) string { return validate.DNSLabel(s, validate.MaxProjectName) })},
			},
			"id":              str("`<project>/<name>`."),
			"uid":             str("Berth's unique id of this cluster."),
			"version":         str("Kubernetes version the spec asks for."),
			"current_version": str("The exact version the cluster runs."),
			"control_plane": schema.SingleNestedAttribute{Computed: true, Description: "The masters.", Attributes: map[string]schema.Attribute{
				"count":  schema.Int64Attribute{Computed: true, Description: "Masters."},
				"flavor": str("Their flavor."),
			}},
			"zones": strings("Zones the masters spread over."),
			"network": schema.SingleNestedAttribute{Computed: true, Description: "The cluster's IPv4 ranges.", Attributes: map[string]schema.Attribute{
				"subnet_cidr": str("Tenant subnet."), "pods_cidr": str("Pod addresses."), "services_cidr": str("Service addresses."),
			}},
			"api_access": schema.SingleNestedAttribute{Computed: true, Description: "Who reaches the API.", Attributes: map[string]schema.Attribute{
				"public":        schema.BoolAttribute{Computed: true, Description: "Whether the API has a floating IP."},
				"allowed_cidrs": strings("Allowed source ranges; empty means everyone."),
			}},
			"labels": schema.MapAttribute{Computed: true, ElementType: types.StringType, Description: "Labels on the cluster object."},
			"addons": schema.ListNestedAttribute{Computed: true, Description: "Addons in the spec.", NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"name": str("Addon name."), "version": str("Addon version, if pinned."),
				"config": schema.MapAttribute{Computed: true, ElementType: types.StringType, Description: "Addon settings."},
			}}},
			"stopped":    schema.BoolAttribute{Computed: true, Description: "Whether the cluster is stopped (or asked to stop)."},
			"endpoint":   str("Kubernetes API address."),
			"status":     str("Phase."),
			"kubeconfig": schema.StringAttribute{Computed: true, Sensitive: true, Description: "Admin kubeconfig (YAML); null while the server offers none."},
			"kubernetes": schema.SingleNestedAttribute{Computed: true, Description: "The kubeconfig's parts for the kubernetes and helm providers (PEM).", Attributes: map[string]schema.Attribute{
				"host": str("API server URL."), "cluster_ca_certificate": str("Cluster CA certificate."),
				"client_certificate": str("Admin client certificate."),
				"client_key":         schema.StringAttribute{Computed: true, Sensitive: true, Description: "Admin client key."},
			}},
		},
	}
}

func (d *clusterDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *clusterDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg clusterAttributes
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	c := configuredClient(d.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	project := cfg.Project.ValueString()
	if cfg.Project.IsNull() {
		project = d.data.project
	}
	cluster, err := c.GetCluster(ctx, project, cfg.Name.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot read cluster "+cfg.Name.ValueString(), err, apiErrorContext{})
		return
	}
	var out clusterAttributes
	resp.Diagnostics.Append(out.fromAPI(cluster, readKubeconfig(ctx, c, cluster, &resp.Diagnostics))...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &out)...)
}
