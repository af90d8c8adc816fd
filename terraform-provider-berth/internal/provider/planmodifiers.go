package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"berth.dev/terraform-provider-berth/internal/validate"
)

// unchanged reports whether every named top-level attribute is planned exactly as it stands in
// state (an unknown part counts as a change).
func unchanged(plan tfsdk.Plan, state tfsdk.State, attributes []string) bool {
	for _, name := range attributes {
		p := tftypes.NewAttributePath().WithAttributeName(name)
		planned, _, err1 := tftypes.WalkAttributePath(plan.Raw, p)
		stored, _, err2 := tftypes.WalkAttributePath(state.Raw, p)
		pv, ok1 := planned.(tftypes.Value)
		sv, ok2 := stored.(tftypes.Value)
		if err1 != nil || err2 != nil || !ok1 || !ok2 || !pv.IsFullyKnown() || !pv.Equal(sv) {
			return false
		}
	}
	return true
}

// keepStateUnless keeps a computed attribute's stored value in the plan unless one of the named
// attributes changes: the endpoint and kubeconfig stay what they are when only labels change,
// instead of showing "(known after apply)" on every update.
func keepStateUnless(attributes ...string) planmodifier.String { return keepString{attributes} }

type keepString struct{ attributes []string }

func (m keepString) Description(context.Context) string {
	return "keeps the stored value unless one of these changes: " + strings.Join(m.attributes, ", ")
}
func (m keepString) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (m keepString) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || !req.PlanValue.IsUnknown() || req.State.Raw.IsNull() {
		return
	}
	if unchanged(req.Plan, req.State, m.attributes) {
		resp.PlanValue = req.StateValue
	}
}

// keepObjectUnless is keepStateUnless for nested objects.
func keepObjectUnless(attributes ...string) planmodifier.Object { return keepObject{attributes} }

type keepObject struct{ attributes []string }

func (m keepObject) Description(context.Context) string {
	return "keeps the stored value unless one of these changes: " + strings.Join(m.attributes, ", ")
}
func (m keepObject) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (m keepObject) PlanModifyObject(_ context.Context, req planmodifier.ObjectRequest, resp *planmodifier.ObjectResponse) {
	if req.StateValue.IsNull() || !req.PlanValue.IsUnknown() || req.State.Raw.IsNull() {
		return
	}
	if unchanged(req.Plan, req.State, m.attributes) {
		resp.PlanValue = req.StateValue
	}
}

// nodeGroupCount plans a node group's count when the configuration leaves it out: the API's
// default (3) without autoscaling; with autoscaling, the count the autoscaler reached (the one
// in state) or, on create, 3 — in both cases brought within the autoscaling bounds, as the
// API requires. An explicit count is left alone (ValidateConfig checks it against the bounds).
func nodeGroupCount() planmodifier.Int64 { return countModifier{} }

type countModifier struct{}

func (countModifier) Description(context.Context) string {
	return "default 3; with autoscaling and no count, the autoscaler's count within [min, max]"
}
func (m countModifier) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (countModifier) PlanModifyInt64(ctx context.Context, req planmodifier.Int64Request, resp *planmodifier.Int64Response) {
	if !req.ConfigValue.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var autoscaling types.Object
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("autoscaling"), &autoscaling)...)
	if resp.Diagnostics.HasError() || autoscaling.IsUnknown() {
		return
	}
	if autoscaling.IsNull() {
		resp.PlanValue = types.Int64Value(defaultNodeCount)
		return
	}
	var bounds autoscalingModel
	resp.Diagnostics.Append(autoscaling.As(ctx, &bounds, objectAsOptions)...)
	if resp.Diagnostics.HasError() || bounds.Min.IsUnknown() || bounds.Max.IsUnknown() {
		return
	}
	current := int64(defaultNodeCount)
	if !req.StateValue.IsNull() && !req.StateValue.IsUnknown() {
		current = req.StateValue.ValueInt64()
	}
	resp.PlanValue = types.Int64Value(validate.ClampCount(current, bounds.Min.ValueInt64(), bounds.Max.ValueInt64()))
}
