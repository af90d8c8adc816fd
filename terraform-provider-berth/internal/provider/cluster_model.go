package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"berth.dev/terraform-provider-berth/internal/client"
)

// clusterModel is the resource's state; the data source shares every attribute but timeouts.
type clusterModel struct {
	clusterAttributes
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

type clusterAttributes struct {
	ID             types.String `tfsdk:"id"`
	UID            types.String `tfsdk:"uid"`
	Name           types.String `tfsdk:"name"`
	Project        types.String `tfsdk:"project"`
	Version        types.String `tfsdk:"version"`
	CurrentVersion types.String `tfsdk:"current_version"`
	ControlPlane   types.Object `tfsdk:"control_plane"`
	Zones          types.List   `tfsdk:"zones"`
	Network        types.Object `tfsdk:"network"`
	APIAccess      types.Object `tfsdk:"api_access"`
	Labels         types.Map    `tfsdk:"labels"`
	Addons         types.List   `tfsdk:"addons"`
	Stopped        types.Bool   `tfsdk:"stopped"`
	Endpoint       types.String `tfsdk:"endpoint"`
	Status         types.String `tfsdk:"status"`
	Kubeconfig     types.String `tfsdk:"kubeconfig"`
	Kubernetes     types.Object `tfsdk:"kubernetes"`
}

type controlPlaneModel struct {
	Count  types.Int64  `tfsdk:"count"`
	Flavor types.String `tfsdk:"flavor"`
}

type networkModel struct {
	SubnetCIDR   types.String `tfsdk:"subnet_cidr"`
	PodsCIDR     types.String `tfsdk:"pods_cidr"`
	ServicesCIDR types.String `tfsdk:"services_cidr"`
}

type apiAccessModel struct {
	Public       types.Bool `tfsdk:"public"`
	AllowedCIDRs types.List `tfsdk:"allowed_cidrs"`
}

type addonModel struct {
	Name    types.String `tfsdk:"name"`
	Version types.String `tfsdk:"version"`
	Config  types.Map    `tfsdk:"config"`
}

var (
	controlPlaneTypes = map[string]attr.Type{"count": types.Int64Type, "flavor": types.StringType}
	networkTypes      = map[string]attr.Type{"subnet_cidr": types.StringType, "pods_cidr": types.StringType, "services_cidr": types.StringType}
	apiAccessTypes    = map[string]attr.Type{"public": types.BoolType, "allowed_cidrs": types.ListType{ElemType: types.StringType}}
	addonTypes        = map[string]attr.Type{"name": types.StringType, "version": types.StringType, "config": types.MapType{ElemType: types.StringType}}
	kubernetesTypes   = map[string]attr.Type{"host": types.StringType, "cluster_ca_certificate": types.StringType, "client_certificate": types.StringType, "client_key": types.StringType}
)

// objectAsOptions reads a possibly-unknown nested value without failing on it.
var objectAsOptions = basetypes.ObjectAsOptions{UnhandledNullAsEmpty: true, UnhandledUnknownAsEmpty: true}

// fromAPI fills every attribute from a cluster as the API returns it, and its kubeconfig
// ("" when the server offers none).
func (m *clusterAttributes) fromAPI(c *client.Cluster, kubeconfig string) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(c.Metadata.Project + "/" + c.Metadata.Name)
	m.UID = types.StringValue(c.Metadata.UID)
	m.Name = types.StringValue(c.Metadata.Name)
	m.Project = types.StringValue(c.Metadata.Project)
	m.Version = types.StringValue(c.Spec.Version)
	m.CurrentVersion = optionalString(c.Status.Version)
	m.ControlPlane = types.ObjectValueMust(controlPlaneTypes, map[string]attr.Value{
		"count": types.Int64Value(c.Spec.ControlPlane.Count), "flavor": types.StringValue(c.Spec.ControlPlane.Flavor),
	})
	m.Zones = stringList(c.Spec.Zones)
	m.Network = types.ObjectValueMust(networkTypes, map[string]attr.Value{
		"subnet_cidr": types.StringValue(c.Spec.Network.SubnetCIDR), "pods_cidr": types.StringValue(c.Spec.Network.PodsCIDR),
		"services_cidr": types.StringValue(c.Spec.Network.ServicesCIDR),
	})
	m.APIAccess = types.ObjectValueMust(apiAccessTypes, map[string]attr.Value{
		"public": types.BoolValue(c.Spec.APIAccess.Public), "allowed_cidrs": stringList(c.Spec.APIAccess.AllowedCIDRs),
	})
	m.Labels = stringMap(c.Metadata.Labels)
	addons := make([]attr.Value, 0, len(c.Spec.Addons))
	for _, a := range c.Spec.Addons {
		config := types.MapNull(types.StringType)
		if a.Config != nil {
			config = stringMap(a.Config)
		}
		addons = append(addons, types.ObjectValueMust(addonTypes, map[string]attr.Value{
			"name": types.StringValue(a.Name), "version": optionalString(a.Version), "config": config,
		}))
	}
	m.Addons = types.ListValueMust(types.ObjectType{AttrTypes: addonTypes}, addons)
	m.Stopped = types.BoolValue(c.Spec.Stopped)
	m.Endpoint = optionalString(c.Status.APIEndpoint)
	m.Status = types.StringValue(c.Status.Phase)
	m.Kubeconfig = optionalString(kubeconfig)
	m.Kubernetes = types.ObjectNull(kubernetesTypes)
	if kubeconfig != "" {
		creds, err := client.ParseKubeconfig(kubeconfig)
		if err != nil {
			diags.AddWarning("Unreadable kubeconfig", "The cluster's kubeconfig could not be split into its parts: "+err.Error())
			return diags
		}
		m.Kubernetes = types.ObjectValueMust(kubernetesTypes, map[string]attr.Value{
			"host": types.StringValue(creds.Host), "cluster_ca_certificate": types.StringValue(creds.ClusterCACertificate),
			"client_certificate": types.StringValue(creds.ClientCertificate), "client_key": types.StringValue(creds.ClientKey),
		})
	}
	return diags
}

// createRequest is what the plan asks the API to create. Addons are sent only when there are
// some: a server may refuse them (501) until the feature lands, and "none" is the default.
func (m *clusterAttributes) createRequest(ctx context.Context) (client.ClusterCreate, diag.Diagnostics) {
	var diags diag.Diagnostics
	var cp controlPlaneModel
	var nw networkModel
	diags.Append(m.ControlPlane.As(ctx, &cp, objectAsOptions)...)
	diags.Append(m.Network.As(ctx, &nw, objectAsOptions)...)
	access, more := m.apiAccess(ctx)
	diags.Append(more...)
	addons, more := m.addons(ctx)
	diags.Append(more...)
	labels, more := mapOf(ctx, m.Labels)
	diags.Append(more...)
	zones, more := listOf(ctx, m.Zones)
	diags.Append(more...)
	spec := client.ClusterSpecInput{
		ControlPlane: &client.ControlPlane{Count: cp.Count.ValueInt64(), Flavor: cp.Flavor.ValueString()},
		Zones:        zones,
		Network:      &client.Network{SubnetCIDR: nw.SubnetCIDR.ValueString(), PodsCIDR: nw.PodsCIDR.ValueString(), ServicesCIDR: nw.ServicesCIDR.ValueString()},
		APIAccess:    &access,
		Addons:       addons,
	}
	if !m.Version.IsUnknown() && !m.Version.IsNull() {
		spec.Version = m.Version.ValueString()
	}
	return client.ClusterCreate{Name: m.Name.ValueString(), Labels: labels, Spec: spec}, diags
}

func (m *clusterAttributes) apiAccess(ctx context.Context) (client.APIAccess, diag.Diagnostics) {
	var a apiAccessModel
	diags := m.APIAccess.As(ctx, &a, objectAsOptions)
	cidrs, more := listOf(ctx, a.AllowedCIDRs)
	diags.Append(more...)
	if cidrs == nil {
		cidrs = []string{}
	}
	return client.APIAccess{Public: a.Public.ValueBool(), AllowedCIDRs: cidrs}, diags
}

func (m *clusterAttributes) addons(ctx context.Context) ([]client.Addon, diag.Diagnostics) {
	var items []addonModel
	diags := m.Addons.ElementsAs(ctx, &items, false)
	out := make([]client.Addon, 0, len(items))
	for _, a := range items {
		config, more := mapOf(ctx, a.Config)
		diags.Append(more...)
		out = append(out, client.Addon{Name: a.Name.ValueString(), Version: a.Version.ValueString(), Config: config})
	}
	return out, diags
}

// labelsPatch is the merge patch that turns `from` into `to`: changed keys set, removed keys null.
func labelsPatch(from, to map[string]string) map[string]any {
	patch := map[string]any{}
	for k, v := range to {
		if old, ok := from[k]; !ok || old != v {
			patch[k] = v
		}
	}
	for k := range from {
		if _, ok := to[k]; !ok {
			patch[k] = nil
		}
	}
	return patch
}

func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func stringList(items []string) types.List {
	values := make([]attr.Value, 0, len(items))
	for _, s := range items {
		values = append(values, types.StringValue(s))
	}
	return types.ListValueMust(types.StringType, values)
}

func stringMap(m map[string]string) types.Map {
	values := make(map[string]attr.Value, len(m))
	for k, v := range m {
		values[k] = types.StringValue(v)
	}
	return types.MapValueMust(types.StringType, values)
}

func listOf(ctx context.Context, l types.List) ([]string, diag.Diagnostics) {
	if l.IsNull() || l.IsUnknown() {
		return nil, nil
	}
	var out []string
	diags := l.ElementsAs(ctx, &out, false)
	return out, diags
}

func mapOf(ctx context.Context, m types.Map) (map[string]string, diag.Diagnostics) {
	if m.IsNull() || m.IsUnknown() {
		return nil, nil
	}
	out := map[string]string{}
	diags := m.ElementsAs(ctx, &out, false)
	return out, diags
}
