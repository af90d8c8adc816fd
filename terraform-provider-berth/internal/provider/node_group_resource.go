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

var (
	_ resource.ResourceWithConfigure      = (*nodeGroupResource)(nil)
	_ resource.ResourceWithImportState    = (*nodeGroupResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*nodeGroupResource)(nil)
	_ resource.ResourceWithValidateConfig = (*nodeGroupResource)(nil)
)

// NewNodeGroupResource is berth_kubernetes_node_group.
func NewNodeGroupResource() resource.Resource { return &nodeGroupResource{} }

type nodeGroupResource struct{ data *providerData }

// nodeGroupErrors maps API fields to this resource's attributes: the group's node labels are
// spec.labels; its object labels (metadata.labels) are not managed here.
var nodeGroupErrors = apiErrorContext{
	attributes: attributeSet("name", "flavor", "zone", "node_count", "autoscaling", "labels", "taints", "max_unavailable", "volume", "runtime", "version"),
	renames: map[string]string{
		"metadata.labels": "metadata.objectLabels",
		"spec.count":      "node_count",
		// The API names autoscaling.enabled when it refuses autoscaling; the attribute is the block.
		"spec.autoscaling.enabled": "autoscaling",
	},
}

func (r *nodeGroupResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_kubernetes_node_group"
}

func (r *nodeGroupResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = nodeGroupSchema(ctx)
}

func (r *nodeGroupResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *nodeGroupResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan nodeGroupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	c := configuredClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout := limit(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	project, cluster := splitClusterID(plan.ClusterID.ValueString())
	name := plan.Name.ValueString()
	spec, nonDefault, diags := plan.createSpec(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	errCtx := nodeGroupErrors
	errCtx.nonDefault = nonDefault
	accepted, err := c.CreateNodeGroup(ctx, project, cluster, name, spec)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Cannot create node group %s in cluster %s", name, cluster), err, errCtx)
		return
	}
	r.save(ctx, &accepted.Object, plan, &resp.State, &resp.Diagnostics)
	if err := waitOperation(ctx, c, accepted.Operation, timeout); err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Creating node group %s in cluster %s failed", name, cluster), err, errCtx)
		return
	}
	r.refresh(ctx, c, project, cluster, name, plan, &resp.State, &resp.Diagnostics)
}

func (r *nodeGroupResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state nodeGroupModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := configuredClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	project, cluster := splitClusterID(state.ClusterID.ValueString())
	ng, err := c.GetNodeGroup(ctx, project, cluster, state.Name.ValueString())
	if removeWhenGone(ctx, err, resp) {
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot read node group "+state.Name.ValueString(), err, nodeGroupErrors)
		return
	}
	if ng.Metadata.DeletionRequestedAt != "" {
		resp.State.RemoveResource(ctx)
		return
	}
	r.save(ctx, ng, state, &resp.State, &resp.Diagnostics)
}

func (r *nodeGroupResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state nodeGroupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := configuredClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout := limit(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	project, cluster := splitClusterID(state.ClusterID.ValueString())
	name := state.Name.ValueString()
	patch, nonDefault, diags := nodeGroupPatch(ctx, &state, &plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if patch != nil {
		errCtx := nodeGroupErrors
		errCtx.nonDefault = nonDefault
		accepted, err := c.PatchNodeGroup(ctx, project, cluster, name, patch)
		if err == nil {
			err = waitOperation(ctx, c, accepted.Operation, timeout)
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Cannot change node group %s of cluster %s", name, cluster), err, errCtx)
			return
		}
	}
	r.refresh(ctx, c, project, cluster, name, plan, &resp.State, &resp.Diagnostics)
}

func (r *nodeGroupResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state nodeGroupModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := configuredClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout := limit(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	project, cluster := splitClusterID(state.ClusterID.ValueString())
	name := state.Name.ValueString()
	accepted, err := c.DeleteNodeGroup(ctx, project, cluster, name)
	switch {
	case client.IsNotFound(err):
		return // the group, or its whole cluster, is gone already
	case client.HasCode(err, client.CodeInvalidState):
		err = waitGone(ctx, timeout, func(ctx context.Context) error {
			_, err := c.GetNodeGroup(ctx, project, cluster, name)
			return err
		})
	case err == nil:
		err = waitOperation(ctx, c, accepted.Operation, timeout)
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Cannot delete node group %s of cluster %s", name, cluster), err, nodeGroupErrors)
	}
}

// ImportState takes `<project>/<cluster>/<name>`, or `<cluster>/<name>` in the provider's project.
func (r *nodeGroupResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts := strings.Split(req.ID, "/")
	for _, p := range parts {
		if p == "" {
			parts = nil
		}
	}
	switch {
	case len(parts) == 2 && r.data != nil:
		parts = append([]string{r.data.project}, parts...)
	case len(parts) == 3:
	default:
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("want <project>/<cluster>/<node group> or <cluster>/<node group>, got %q", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("cluster_id"), parts[0]+"/"+parts[1])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), parts[2])...)
}

func (r *nodeGroupResource) refresh(ctx context.Context, c *client.Client, project, cluster, name string, prior nodeGroupModel, state stateSetter, diags *diag.Diagnostics) {
	ng, err := c.GetNodeGroup(ctx, project, cluster, name)
	if err != nil {
		addAPIError(diags, "Cannot read node group "+name, err, nodeGroupErrors)
		return
	}
	r.save(ctx, ng, prior, state, diags)
}

func (r *nodeGroupResource) save(ctx context.Context, ng *client.NodeGroup, prior nodeGroupModel, state stateSetter, diags *diag.Diagnostics) {
	model := nodeGroupModel{Timeouts: prior.Timeouts}
	model.fromAPI(ng)
	diags.Append(state.Set(ctx, &model)...)
}

// ValidateConfig checks the autoscaling bounds against each other and against count, and that
// each taint key:effect appears once — the API's own cross-field rules.
func (r *nodeGroupResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg nodeGroupModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !cfg.Autoscaling.IsNull() && !cfg.Autoscaling.IsUnknown() {
		var a autoscalingModel
		resp.Diagnostics.Append(cfg.Autoscaling.As(ctx, &a, objectAsOptions)...)
		countKnown := !cfg.Count.IsNull() && !cfg.Count.IsUnknown()
		if !a.Min.IsUnknown() && !a.Max.IsUnknown() && !a.Min.IsNull() && !a.Max.IsNull() {
			field, why := validate.Autoscaling(a.Min.ValueInt64(), a.Max.ValueInt64(), cfg.Count.ValueInt64(), countKnown)
			switch field {
			case "min":
				resp.Diagnostics.AddAttributeError(path.Root("autoscaling").AtName("min"), "Invalid autoscaling bounds", "autoscaling: "+why)
			case "count":
				resp.Diagnostics.AddAttributeError(path.Root("node_count"), "node_count outside the autoscaling bounds", why)
			}
		}
	}
	if !cfg.Taints.IsNull() && !cfg.Taints.IsUnknown() {
		var taints []taintModel
		resp.Diagnostics.Append(cfg.Taints.ElementsAs(ctx, &taints, false)...)
		seen := map[string]bool{}
		for i, t := range taints {
			if t.Key.IsUnknown() || t.Effect.IsUnknown() {
				continue
			}
			key := t.Key.ValueString() + ":" + t.Effect.ValueString()
			if seen[key] {
				resp.Diagnostics.AddAttributeError(path.Root("taints").AtListIndex(i), "Duplicate taint",
					fmt.Sprintf("taint %s appears twice; each key:effect may appear once", key))
			}
			seen[key] = true
		}
	}
}

// ModifyPlan plans the project and cluster named by cluster_id and checks the catalog names
// (flavor, zone, volume type) the plan introduces.
func (r *nodeGroupResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan nodeGroupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !plan.ClusterID.IsUnknown() && checkClusterID(plan.ClusterID.ValueString()) == "" {
		project, cluster := splitClusterID(plan.ClusterID.ValueString())
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("project"), types.StringValue(project))...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("cluster"), types.StringValue(cluster))...)
	}
	if r.data == nil || r.data.client == nil {
		return
	}
	var state *nodeGroupModel
	if !req.State.Raw.IsNull() {
		state = &nodeGroupModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	cat, err := r.data.catalogOnce(ctx)
	if err != nil {
		tflog.Warn(ctx, "cannot read the catalog; names are checked at apply time", map[string]any{"error": err.Error()})
		return
	}
	if state == nil || !plan.Flavor.Equal(state.Flavor) {
		checkName(plan.Flavor, path.Root("flavor"), "flavor", flavorNames(cat), &resp.Diagnostics)
	}
	if state == nil || !plan.Zone.Equal(state.Zone) {
		checkName(plan.Zone, path.Root("zone"), "zone", zoneNames(cat), &resp.Diagnostics)
	}
	if state == nil || !plan.Volume.Equal(state.Volume) {
		var v volumeModel
		resp.Diagnostics.Append(plan.Volume.As(ctx, &v, objectAsOptions)...)
		checkName(v.Type, path.Root("volume").AtName("type"), "volume type", volumeTypeNames(cat), &resp.Diagnostics)
	}
}
