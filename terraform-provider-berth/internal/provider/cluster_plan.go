package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"berth.dev/terraform-provider-berth/internal/client"
	"berth.dev/terraform-provider-berth/internal/validate"
)

// ValidateConfig checks what single attributes cannot: that the three network ranges are
// disjoint (an unset range counts with its default) and that addons are named once.
func (r *clusterResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg clusterModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	checkNetworkOverlap(ctx, cfg.Network, &resp.Diagnostics)
	if !cfg.Addons.IsNull() && !cfg.Addons.IsUnknown() {
		var addons []addonModel
		resp.Diagnostics.Append(cfg.Addons.ElementsAs(ctx, &addons, false)...)
		seen := map[string]bool{}
		for i, a := range addons {
			if a.Name.IsUnknown() || a.Name.IsNull() {
				continue
			}
			if seen[a.Name.ValueString()] {
				resp.Diagnostics.AddAttributeError(path.Root("addons").AtListIndex(i).AtName("name"),
					"Duplicate addon", fmt.Sprintf("addon %q is listed twice", a.Name.ValueString()))
			}
			seen[a.Name.ValueString()] = true
		}
	}
}

func checkNetworkOverlap(ctx context.Context, network types.Object, diags *diag.Diagnostics) {
	if network.IsNull() || network.IsUnknown() {
		return
	}
	var nw networkModel
	diags.Append(network.As(ctx, &nw, objectAsOptions)...)
	value := func(v types.String, def string) (string, bool) {
		if v.IsUnknown() {
			return "", false
		}
		if v.IsNull() {
			return def, true
		}
		return v.ValueString(), true
	}
	subnet, ok1 := value(nw.SubnetCIDR, defaultSubnetCIDR)
	pods, ok2 := value(nw.PodsCIDR, defaultPodsCIDR)
	services, ok3 := value(nw.ServicesCIDR, defaultServicesCIDR)
	if !ok1 || !ok2 || !ok3 {
		return
	}
	ranges := []validate.NetworkRange{{Attribute: "subnet_cidr", Text: subnet}, {Attribute: "pods_cidr", Text: pods}, {Attribute: "services_cidr", Text: services}}
	if at, other := validate.FirstOverlap(ranges); at != "" {
		text := map[string]string{"subnet_cidr": subnet, "pods_cidr": pods, "services_cidr": services}
		diags.AddAttributeError(path.Root("network").AtName(at), "Overlapping network ranges",
			fmt.Sprintf("network.%s (%s) overlaps network.%s (%s); the three ranges must be disjoint", at, text[at], other, text[other]))
	}
}

// ModifyPlan fills the project on create, refuses version changes the API would refuse, says
// why a replacement is planned, and checks catalog names (versions, flavors, zones, addons)
// that the plan introduces — all before anything is applied.
func (r *clusterResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan clusterModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state *clusterModel
	if !req.State.Raw.IsNull() {
		state = &clusterModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	fillProject(ctx, r.data, req, resp)
	if state != nil {
		checkVersionChange(state, &plan, &resp.Diagnostics)
		warnReplacement(state, &plan, &resp.Diagnostics)
	}
	if r.data != nil && r.data.client != nil {
		r.checkCatalog(ctx, state, &plan, &resp.Diagnostics)
	}
}

// fillProject plans the provider's project for a resource whose configuration names none.
func fillProject(ctx context.Context, data *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var configured, planned types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("project"), &configured)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("project"), &planned)...)
	if data != nil && configured.IsNull() && planned.IsUnknown() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("project"), data.project)...)
	}
}

// checkVersionChange applies the API's upgrade rule (one minor at a time, forward only) and
// its state rule (only a running cluster upgrades) at plan time.
func checkVersionChange(state, plan *clusterModel, diags *diag.Diagnostics) {
	if plan.Version.IsUnknown() || plan.Version.IsNull() || plan.Version.Equal(state.Version) {
		return
	}
	from := state.Version.ValueString()
	if !state.CurrentVersion.IsNull() && state.CurrentVersion.ValueString() != "" {
		from = state.CurrentVersion.ValueString()
	}
	to := plan.Version.ValueString()
	if why := validate.UpgradeRefusal(from, to); why != "" {
		diags.AddAttributeError(path.Root("version"), "Invalid version change",
			fmt.Sprintf("Cannot move cluster %q from %s to %s: %s. A version change runs Berth's upgrade, which moves one minor at a time.", state.Name.ValueString(), from, to, why))
		return
	}
	if state.Stopped.ValueBool() && plan.Stopped.ValueBool() {
		diags.AddAttributeError(path.Root("version"), "Invalid version change",
			fmt.Sprintf("Cluster %q is stopped; an upgrade runs only while a cluster runs. Set stopped = false in the same change, or start it first.", state.Name.ValueString()))
	}
}

// warnReplacement says which immutable attributes force the replacement Terraform plans.
func warnReplacement(state, plan *clusterModel, diags *diag.Diagnostics) {
	var changed []string
	pairs := []struct {
		name          string
		known, differ bool
	}{
		{"name", !plan.Name.IsUnknown(), !plan.Name.Equal(state.Name)},
		{"project", !plan.Project.IsUnknown(), !plan.Project.Equal(state.Project)},
		{"control_plane", !plan.ControlPlane.IsUnknown(), !plan.ControlPlane.Equal(state.ControlPlane)},
		{"zones", !plan.Zones.IsUnknown(), !plan.Zones.Equal(state.Zones)},
		{"network", !plan.Network.IsUnknown(), !plan.Network.Equal(state.Network)},
	}
	for _, p := range pairs {
		if p.known && p.differ {
			changed = append(changed, p.name)
		}
	}
	if len(changed) == 0 {
		return
	}
	diags.AddWarning(fmt.Sprintf("Cluster %q will be replaced", state.Name.ValueString()),
		fmt.Sprintf("%s cannot change after a cluster is created (Berth's API refuses it), so Terraform deletes the cluster "+
			"— with its node groups, workloads and data — and creates a new one. Its kubeconfig changes.", strings.Join(changed, ", ")))
}

// checkCatalog refuses names the catalog does not know, for values this plan introduces
// (a name retired from the catalog later does not break plans of clusters that use it).
func (r *clusterResource) checkCatalog(ctx context.Context, state, plan *clusterModel, diags *diag.Diagnostics) {
	cat, err := r.data.catalogOnce(ctx)
	if err != nil {
		tflog.Warn(ctx, "cannot read the catalog; names are checked at apply time", map[string]any{"error": err.Error()})
		return
	}
	creating := state == nil
	if !plan.Version.IsUnknown() && !plan.Version.IsNull() && (creating || !plan.Version.Equal(state.Version)) {
		if !knownVersion(cat, plan.Version.ValueString()) {
			diags.AddAttributeError(path.Root("version"), "Unsupported Kubernetes version",
				fmt.Sprintf("%q is not offered by this Berth; supported: %s", plan.Version.ValueString(), versionList(cat)))
		}
	}
	if creating || !plan.ControlPlane.Equal(state.ControlPlane) {
		var cp controlPlaneModel
		diags.Append(plan.ControlPlane.As(ctx, &cp, objectAsOptions)...)
		checkName(cp.Flavor, path.Root("control_plane").AtName("flavor"), "flavor", flavorNames(cat), diags)
	}
	if creating || !plan.Zones.Equal(state.Zones) {
		zones, d := listOf(ctx, plan.Zones)
		diags.Append(d...)
		for i, z := range zones {
			checkName(types.StringValue(z), path.Root("zones").AtListIndex(i), "zone", zoneNames(cat), diags)
		}
	}
	if creating || !plan.Addons.Equal(state.Addons) {
		var addons []addonModel
		diags.Append(plan.Addons.ElementsAs(ctx, &addons, false)...)
		for i, a := range addons {
			item := findAddon(cat, a.Name.ValueString())
			if a.Name.IsUnknown() {
				continue
			}
			if item == nil {
				checkName(a.Name, path.Root("addons").AtListIndex(i).AtName("name"), "addon", addonNames(cat), diags)
				continue
			}
			if v := a.Version.ValueString(); !a.Version.IsNull() && !a.Version.IsUnknown() && !contains(item.Versions, v) {
				diags.AddAttributeError(path.Root("addons").AtListIndex(i).AtName("version"), "Unknown addon version",
					fmt.Sprintf("addon %s has no version %q; known: %s", item.Name, v, strings.Join(item.Versions, ", ")))
			}
		}
	}
}

func checkName(v types.String, at path.Path, what string, known []string, diags *diag.Diagnostics) {
	if v.IsUnknown() || v.IsNull() || contains(known, v.ValueString()) {
		return
	}
	diags.AddAttributeError(at, "Unknown "+what, fmt.Sprintf("unknown %s %q; known: %s", what, v.ValueString(), strings.Join(known, ", ")))
}

func knownVersion(cat *client.Catalog, v string) bool {
	for _, item := range cat.Versions {
		if item.Version == v || item.Patch == v {
			return true
		}
	}
	return false
}

func versionList(cat *client.Catalog) string {
	var out []string
	for _, v := range cat.Versions {
		s := fmt.Sprintf("%s (%s", v.Version, v.Patch)
		if v.Default {
			s += ", default"
		}
		out = append(out, s+")")
	}
	return strings.Join(out, ", ")
}

func flavorNames(cat *client.Catalog) []string {
	var out []string
	for _, f := range cat.Flavors {
		out = append(out, f.Name)
	}
	return out
}

func zoneNames(cat *client.Catalog) []string {
	var out []string
	for _, z := range cat.Zones {
		out = append(out, z.Name)
	}
	return out
}

func addonNames(cat *client.Catalog) []string {
	var out []string
	for _, a := range cat.Addons {
		out = append(out, a.Name)
	}
	return out
}

func volumeTypeNames(cat *client.Catalog) []string {
	var out []string
	for _, v := range cat.VolumeTypes {
		out = append(out, v.Name)
	}
	return out
}

func findAddon(cat *client.Catalog, name string) *client.AddonItem {
	for i := range cat.Addons {
		if cat.Addons[i].Name == name {
			return &cat.Addons[i]
		}
	}
	return nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
