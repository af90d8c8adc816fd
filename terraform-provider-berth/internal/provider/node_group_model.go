package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"berth.dev/terraform-provider-berth/internal/client"
	"berth.dev/terraform-provider-berth/internal/validate"
)

type nodeGroupModel struct {
	ID             types.String   `tfsdk:"id"`
	UID            types.String   `tfsdk:"uid"`
	ClusterID      types.String   `tfsdk:"cluster_id"`
	Project        types.String   `tfsdk:"project"`
	Cluster        types.String   `tfsdk:"cluster"`
	Name           types.String   `tfsdk:"name"`
	Flavor         types.String   `tfsdk:"flavor"`
	Zone           types.String   `tfsdk:"zone"`
	Count          types.Int64    `tfsdk:"node_count"`
	Autoscaling    types.Object   `tfsdk:"autoscaling"`
	Labels         types.Map      `tfsdk:"labels"`
	Taints         types.List     `tfsdk:"taints"`
	MaxUnavailable types.String   `tfsdk:"max_unavailable"`
	Volume         types.Object   `tfsdk:"volume"`
	Runtime        types.String   `tfsdk:"runtime"`
	Version        types.String   `tfsdk:"version"`
	Status         types.String   `tfsdk:"status"`
	Servers        types.Int64    `tfsdk:"servers"`
	ReadyNodes     types.Int64    `tfsdk:"ready_nodes"`
	Timeouts       timeouts.Value `tfsdk:"timeouts"`
}

type autoscalingModel struct {
	Min types.Int64 `tfsdk:"min"`
	Max types.Int64 `tfsdk:"max"`
}

type taintModel struct {
	Key    types.String `tfsdk:"key"`
	Value  types.String `tfsdk:"value"`
	Effect types.String `tfsdk:"effect"`
}

type volumeModel struct {
	Type   types.String `tfsdk:"type"`
	SizeGB types.Int64  `tfsdk:"size_gb"`
}

// checkClusterID accepts `<project>/<cluster>`, what berth_kubernetes_cluster.id holds.
func checkClusterID(id string) string {
	parts := strings.Split(id, "/")
	if len(parts) != 2 {
		return "must be <project>/<cluster>, as berth_kubernetes_cluster.<name>.id gives it (got \"" + id + "\")"
	}
	if msg := validate.DNSLabel(parts[0], validate.MaxProjectName); msg != "" {
		return "project: " + msg
	}
	if msg := validate.DNSLabel(parts[1], validate.MaxClusterName); msg != "" {
		return "cluster: " + msg
	}
	return ""
}

func splitClusterID(id string) (project, cluster string) {
	project, cluster, _ = strings.Cut(id, "/")
	return project, cluster
}

// fromAPI fills every attribute from a node group as the API returns it.
func (m *nodeGroupModel) fromAPI(ng *client.NodeGroup) {
	project, cluster := ng.Metadata.Project, ng.Metadata.Cluster
	m.ID = types.StringValue(project + "/" + cluster + "/" + ng.Metadata.Name)
	m.UID = types.StringValue(ng.Metadata.UID)
	m.ClusterID = types.StringValue(project + "/" + cluster)
	m.Project = types.StringValue(project)
	m.Cluster = types.StringValue(cluster)
	m.Name = types.StringValue(ng.Metadata.Name)
	m.Flavor = types.StringValue(ng.Spec.Flavor)
	m.Zone = types.StringValue(ng.Spec.Zone)
	m.Count = types.Int64Value(ng.Spec.Count)
	m.Autoscaling = types.ObjectNull(autoscalingTypes)
	if ng.Spec.Autoscaling.Enabled {
		m.Autoscaling = types.ObjectValueMust(autoscalingTypes, map[string]attr.Value{
			"min": types.Int64Value(ng.Spec.Autoscaling.Min), "max": types.Int64Value(ng.Spec.Autoscaling.Max),
		})
	}
	m.Labels = stringMap(ng.Spec.Labels)
	taints := make([]attr.Value, 0, len(ng.Spec.Taints))
	for _, t := range ng.Spec.Taints {
		taints = append(taints, types.ObjectValueMust(taintTypes, map[string]attr.Value{
			"key": types.StringValue(t.Key), "value": types.StringValue(t.Value), "effect": types.StringValue(t.Effect),
		}))
	}
	m.Taints = types.ListValueMust(types.ObjectType{AttrTypes: taintTypes}, taints)
	m.MaxUnavailable = types.StringValue(ng.Spec.MaxUnavailable)
	m.Volume = types.ObjectValueMust(volumeTypes, map[string]attr.Value{
		"type": types.StringValue(ng.Spec.Volume.Type), "size_gb": types.Int64Value(ng.Spec.Volume.SizeGB),
	})
	m.Runtime = types.StringValue(ng.Spec.Runtime)
	m.Version = types.StringNull()
	if ng.Spec.Version != "" {
		m.Version = types.StringValue(ng.Spec.Version)
	}
	m.Status = types.StringValue(ng.Status.Phase)
	m.Servers = types.Int64Value(ng.Status.Replicas)
	m.ReadyNodes = types.Int64Value(ng.Status.ReadyReplicas)
}

func (m *nodeGroupModel) autoscaling(ctx context.Context) (*client.Autoscaling, diag.Diagnostics) {
	if m.Autoscaling.IsNull() || m.Autoscaling.IsUnknown() {
		return nil, nil
	}
	var a autoscalingModel
	diags := m.Autoscaling.As(ctx, &a, objectAsOptions)
	return &client.Autoscaling{Enabled: true, Min: a.Min.ValueInt64(), Max: a.Max.ValueInt64()}, diags
}

func (m *nodeGroupModel) taints(ctx context.Context) ([]client.Taint, diag.Diagnostics) {
	var items []taintModel
	diags := m.Taints.ElementsAs(ctx, &items, false)
	out := make([]client.Taint, 0, len(items))
	for _, t := range items {
		out = append(out, client.Taint{Key: t.Key.ValueString(), Value: t.Value.ValueString(), Effect: t.Effect.ValueString()})
	}
	return out, diags
}

// volume is the planned volume, or nil when it is the API's default (then it is left out and
// the API applies the same default).
func (m *nodeGroupModel) volume(ctx context.Context) (*client.Volume, diag.Diagnostics) {
	if m.Volume.IsNull() || m.Volume.IsUnknown() {
		return nil, nil
	}
	var v volumeModel
	diags := m.Volume.As(ctx, &v, objectAsOptions)
	out := client.Volume{Type: v.Type.ValueString(), SizeGB: v.SizeGB.ValueInt64()}
	if out == (client.Volume{Type: defaultVolumeType, SizeGB: defaultVolumeSizeGB}) {
		return nil, diags
	}
	return &out, diags
}

// createSpec is the create request's spec, with the attributes it sets to values the API may
// refuse with 501 (autoscaling, until the cluster autoscaler lands). Autoscaling and runtime
// are sent only when set (an unset runtime is the API's to choose), volume only when it differs
// from the API's default.
func (m *nodeGroupModel) createSpec(ctx context.Context) (client.NodeGroupSpecInput, []string, diag.Diagnostics) {
	var diags diag.Diagnostics
	spec := client.NodeGroupSpecInput{Flavor: m.Flavor.ValueString(), MaxUnavailable: m.MaxUnavailable.ValueString()}
	if !m.Zone.IsNull() && !m.Zone.IsUnknown() {
		spec.Zone = m.Zone.ValueString()
	}
	if !m.Runtime.IsNull() && !m.Runtime.IsUnknown() {
		spec.Runtime = m.Runtime.ValueString()
	}
	if !m.Version.IsNull() && !m.Version.IsUnknown() {
		spec.Version = m.Version.ValueString()
	}
	if !m.Count.IsNull() && !m.Count.IsUnknown() {
		count := m.Count.ValueInt64()
		spec.Count = &count
	}
	var nonDefault []string
	var d diag.Diagnostics
	if spec.Autoscaling, d = m.autoscaling(ctx); spec.Autoscaling != nil {
		nonDefault = append(nonDefault, "autoscaling")
	}
	diags.Append(d...)
	spec.Volume, d = m.volume(ctx)
	diags.Append(d...)
	spec.Labels, d = mapOf(ctx, m.Labels)
	diags.Append(d...)
	spec.Taints, d = m.taints(ctx)
	diags.Append(d...)
	return spec, nonDefault, diags
}

// nodeGroupPatch is the merge patch of spec from state to plan, with the attributes it sets
// to non-default values the API may refuse with 501 (autoscaling). Zone and runtime are never
// patched: the API refuses a change, so the schema plans a replacement instead.
func nodeGroupPatch(ctx context.Context, state, plan *nodeGroupModel) (map[string]any, []string, diag.Diagnostics) {
	var diags diag.Diagnostics
	spec := map[string]any{}
	var nonDefault []string
	if !plan.Flavor.Equal(state.Flavor) {
		spec["flavor"] = plan.Flavor.ValueString()
	}
	if !plan.Count.IsUnknown() && !plan.Count.Equal(state.Count) {
		spec["count"] = plan.Count.ValueInt64()
	}
	if !plan.Autoscaling.Equal(state.Autoscaling) {
		a, d := plan.autoscaling(ctx)
		diags.Append(d...)
		if a == nil {
			spec["autoscaling"] = map[string]any{"enabled": false}
		} else {
			spec["autoscaling"] = a
			nonDefault = append(nonDefault, "autoscaling")
		}
	}
	if !plan.Labels.Equal(state.Labels) {
		from, d1 := mapOf(ctx, state.Labels)
		to, d2 := mapOf(ctx, plan.Labels)
		diags.Append(d1...)
		diags.Append(d2...)
		spec["labels"] = labelsPatch(from, to)
	}
	if !plan.Taints.Equal(state.Taints) {
		t, d := plan.taints(ctx)
		diags.Append(d...)
		spec["taints"] = t
	}
	if !plan.MaxUnavailable.Equal(state.MaxUnavailable) {
		spec["maxUnavailable"] = plan.MaxUnavailable.ValueString()
	}
	if !plan.Volume.Equal(state.Volume) {
		var v volumeModel
		diags.Append(plan.Volume.As(ctx, &v, objectAsOptions)...)
		spec["volume"] = client.Volume{Type: v.Type.ValueString(), SizeGB: v.SizeGB.ValueInt64()}
	}
	if !plan.Version.Equal(state.Version) {
		// null in a merge patch removes spec.version: the group follows its cluster again.
		if plan.Version.IsNull() {
			spec["version"] = nil
		} else {
			spec["version"] = plan.Version.ValueString()
		}
	}
	if len(spec) == 0 {
		return nil, nil, diags
	}
	return map[string]any{"spec": spec}, nonDefault, diags
}
