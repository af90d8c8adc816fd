package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"berth.dev/terraform-provider-berth/internal/client"
)

var (
	_ resource.ResourceWithConfigure      = (*clusterResource)(nil)
	_ resource.ResourceWithImportState    = (*clusterResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*clusterResource)(nil)
	_ resource.ResourceWithValidateConfig = (*clusterResource)(nil)
)

// NewClusterResource is berth_kubernetes_cluster.
func NewClusterResource() resource.Resource { return &clusterResource{} }

type clusterResource struct{ data *providerData }

// clusterErrors maps API fields to this resource's attributes.
var clusterErrors = apiErrorContext{
	attributes: attributeSet("name", "project", "version", "control_plane", "zones", "network", "api_access", "labels", "addons", "stopped"),
}

func attributeSet(names ...string) map[string]bool {
	set := make(map[string]bool, len(names))
	for _, n := range names {
		set[n] = true
	}
	return set
}

func (r *clusterResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_kubernetes_cluster"
}

func (r *clusterResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = clusterSchema(ctx)
}

func (r *clusterResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *clusterResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan clusterModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	c := configuredClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout := limit(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	in, diags := plan.createRequest(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	project := plan.Project.ValueString()
	errCtx := clusterErrors
	if len(in.Spec.Addons) > 0 {
		errCtx.nonDefault = []string{"addons"}
	}
	accepted, err := c.CreateCluster(ctx, project, in)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot create cluster "+in.Name, err, errCtx)
		return
	}
	// Tracked from here on: if the wait fails, Terraform taints the cluster instead of losing it.
	r.save(ctx, c, &accepted.Object, plan, &resp.State, &resp.Diagnostics)
	if err := waitOperation(ctx, c, accepted.Operation, timeout); err != nil {
		addAPIError(&resp.Diagnostics, "Creating cluster "+in.Name+" failed", err, errCtx)
		return
	}
	if plan.Stopped.ValueBool() {
		if !r.action(ctx, c, project, in.Name, "stop", nil, timeout, &resp.Diagnostics) {
			return
		}
	}
	r.refresh(ctx, c, project, in.Name, plan.Timeouts, &resp.State, &resp.Diagnostics)
}

func (r *clusterResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state clusterModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := configuredClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	cluster, err := c.GetCluster(ctx, state.Project.ValueString(), state.Name.ValueString())
	if removeWhenGone(ctx, err, resp) {
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot read cluster "+state.Name.ValueString(), err, clusterErrors)
		return
	}
	if cluster.Metadata.DeletionRequestedAt != "" {
		// Deleted outside Terraform and on its way out: plan a new one.
		resp.State.RemoveResource(ctx)
		return
	}
	r.save(ctx, c, cluster, state, &resp.State, &resp.Diagnostics)
}

func (r *clusterResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state clusterModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := configuredClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout := limit(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	project, name := state.Project.ValueString(), state.Name.ValueString()
	patch, nonDefault, diags := clusterPatch(ctx, &state.clusterAttributes, &plan.clusterAttributes)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Order: start (if it is to run again), then the spec change, the upgrade (only a running
	// cluster upgrades), and stop last. A spec change of a cluster that stays stopped takes
	// effect when it starts: its operation ends only then, so it is not waited for.
	wasStopped, stop := state.Stopped.ValueBool(), plan.Stopped.ValueBool()
	if wasStopped && !stop && !r.action(ctx, c, project, name, "start", nil, timeout, &resp.Diagnostics) {
		return
	}
	if len(patch) > 0 {
		errCtx := clusterErrors
		errCtx.nonDefault = nonDefault
		accepted, err := c.PatchCluster(ctx, project, name, patch)
		if err == nil && !(wasStopped && stop) {
			err = waitOperation(ctx, c, accepted.Operation, timeout)
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, "Cannot change cluster "+name, err, errCtx)
			return
		}
	}
	if plan.Version.ValueString() != state.Version.ValueString() && !plan.Version.IsUnknown() {
		body := map[string]any{"version": plan.Version.ValueString()}
		if !r.action(ctx, c, project, name, "upgrade", body, timeout, &resp.Diagnostics) {
			return
		}
	}
	if !wasStopped && stop && !r.action(ctx, c, project, name, "stop", nil, timeout, &resp.Diagnostics) {
		return
	}
	r.refresh(ctx, c, project, name, plan.Timeouts, &resp.State, &resp.Diagnostics)
}

func (r *clusterResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state clusterModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := configuredClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout := limit(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	project, name := state.Project.ValueString(), state.Name.ValueString()
	accepted, err := c.DeleteCluster(ctx, project, name)
	switch {
	case client.IsNotFound(err):
		return
	case client.HasCode(err, client.CodeInvalidState):
		// Already being deleted (by someone else): wait until it is gone.
		err = waitGone(ctx, timeout, func(ctx context.Context) error {
			_, err := c.GetCluster(ctx, project, name)
			return err
		})
	case err == nil:
		err = waitOperation(ctx, c, accepted.Operation, timeout)
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot delete cluster "+name, err, clusterErrors)
	}
}

// ImportState takes `<project>/<name>`, or `<name>` in the provider's project.
func (r *clusterResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts := strings.Split(req.ID, "/")
	project, name := "", ""
	switch {
	case len(parts) == 1 && parts[0] != "" && r.data != nil:
		project, name = r.data.project, parts[0]
	case len(parts) == 2 && parts[0] != "" && parts[1] != "":
		project, name = parts[0], parts[1]
	default:
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("want <project>/<cluster> or <cluster>, got %q", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("project"), project)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
}

// action runs :start, :stop or :upgrade and waits for it; false (with a diagnostic) on failure.
func (r *clusterResource) action(ctx context.Context, c *client.Client, project, name, action string, body any, timeout time.Duration, diags *diag.Diagnostics) bool {
	tflog.Info(ctx, "cluster action", map[string]any{"cluster": name, "action": action})
	accepted, err := c.ClusterAction(ctx, project, name, action, body)
	if err == nil {
		err = waitOperation(ctx, c, accepted.Operation, timeout)
	}
	if err != nil {
		attr := "stopped"
		if action == "upgrade" {
			attr = "version"
		}
		if p, ok := client.AsProblem(err); ok && p.Field == "" && p.Status == http.StatusConflict {
			diags.AddAttributeError(path.Root(attr), fmt.Sprintf("Cannot %s cluster %s", action, name), p.Error())
			return false
		}
		addAPIError(diags, fmt.Sprintf("Cannot %s cluster %s", action, name), err, clusterErrors)
		return false
	}
	return true
}

// refresh reads the cluster after a change and stores it.
func (r *clusterResource) refresh(ctx context.Context, c *client.Client, project, name string, t timeouts.Value, state stateSetter, diags *diag.Diagnostics) {
	cluster, err := c.GetCluster(ctx, project, name)
	if err != nil {
		addAPIError(diags, "Cannot read cluster "+name, err, clusterErrors)
		return
	}
	r.save(ctx, c, cluster, clusterModel{Timeouts: t}, state, diags)
}

// save stores a cluster with its kubeconfig, keeping the timeouts block as configured.
func (r *clusterResource) save(ctx context.Context, c *client.Client, cluster *client.Cluster, prior clusterModel, state stateSetter, diags *diag.Diagnostics) {
	kubeconfig := readKubeconfig(ctx, c, cluster, diags)
	model := clusterModel{Timeouts: prior.Timeouts}
	diags.Append(model.fromAPI(cluster, kubeconfig)...)
	diags.Append(state.Set(ctx, &model)...)
}

// readKubeconfig is the cluster's admin kubeconfig, or "" while the server offers none: 501 on
// a server without real Kubernetes (memory provider), 409 until the control plane is up.
func readKubeconfig(ctx context.Context, c *client.Client, cluster *client.Cluster, diags *diag.Diagnostics) string {
	if cluster.Status.APIEndpoint == "" || cluster.Metadata.DeletionRequestedAt != "" {
		return ""
	}
	text, err := c.Kubeconfig(ctx, cluster.Metadata.Project, cluster.Metadata.Name)
	if err == nil {
		return text
	}
	if p, ok := client.AsProblem(err); ok && (p.Code == client.CodeNotImplemented || p.Code == client.CodeInvalidState) {
		tflog.Debug(ctx, "no kubeconfig yet", map[string]any{"cluster": cluster.Metadata.Name, "code": p.Code})
		return ""
	}
	diags.AddWarning("Cannot read the kubeconfig of cluster "+cluster.Metadata.Name, err.Error())
	return ""
}

// waitGone polls get until it answers 404, within timeout.
func waitGone(ctx context.Context, timeout time.Duration, get func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		err := get(ctx)
		if client.IsNotFound(err) {
			return nil
		}
		if err != nil && ctx.Err() == nil {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("timed out after %s waiting for the deletion to finish", timeout)
		case <-time.After(pollInterval):
		}
	}
}

// clusterPatch is the merge patch from state to plan of what PATCH may change (labels,
// api_access, addons), with the attributes it sets to non-default values.
func clusterPatch(ctx context.Context, state, plan *clusterAttributes) (map[string]any, []string, diag.Diagnostics) {
	var diags diag.Diagnostics
	patch := map[string]any{}
	spec := map[string]any{}
	if !plan.Labels.Equal(state.Labels) {
		from, d1 := mapOf(ctx, state.Labels)
		to, d2 := mapOf(ctx, plan.Labels)
		diags.Append(d1...)
		diags.Append(d2...)
		patch["metadata"] = map[string]any{"labels": labelsPatch(from, to)}
	}
	if !plan.APIAccess.Equal(state.APIAccess) {
		access, d := plan.apiAccess(ctx)
		diags.Append(d...)
		spec["apiAccess"] = access
	}
	var nonDefault []string
	if !plan.Addons.Equal(state.Addons) {
		addons, d := plan.addons(ctx)
		diags.Append(d...)
		spec["addons"] = addons
		if len(addons) > 0 {
			nonDefault = append(nonDefault, "addons")
		}
	}
	if len(spec) > 0 {
		patch["spec"] = spec
	}
	return patch, nonDefault, diags
}

// stateSetter is tfsdk.State as Create, Read and Update hold it.
type stateSetter interface {
	Set(ctx context.Context, val any) diag.Diagnostics
}
