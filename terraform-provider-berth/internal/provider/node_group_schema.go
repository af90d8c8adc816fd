package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"berth.dev/terraform-provider-berth/internal/validate"
)

// Node group defaults (packages/api-types/src/defaults.ts).
const (
	defaultNodeCount      = 3
	defaultMaxUnavailable = "25%"
	defaultVolumeType     = "ssd"
	defaultVolumeSizeGB   = 20
	// apiDefaultRuntime is named in runtime's description only. The plan leaves an unset
	// runtime unknown and the API chooses (its default has moved once, from simulated): a
	// mirrored default would turn a server that defaults otherwise into an "inconsistent result
	// after apply", and, runtime being immutable, following the API's next move would plan
	// replacing every group created under the old default.
	apiDefaultRuntime = "containerd"
)

var (
	autoscalingTypes = map[string]attr.Type{"min": types.Int64Type, "max": types.Int64Type}
	taintTypes       = map[string]attr.Type{"key": types.StringType, "value": types.StringType, "effect": types.StringType}
	volumeTypes      = map[string]attr.Type{"type": types.StringType, "size_gb": types.Int64Type}
)

func nodeGroupSchema(ctx context.Context) schema.Schema {
	count := func(what string) schema.Int64Attribute {
		return schema.Int64Attribute{
			Required:    true,
			Description: what,
			Validators:  []validator.Int64{int64validator.Between(0, validate.MaxNodesPerGroup)},
		}
	}
	return schema.Schema{
		Description: "A node group: worker servers of one flavor in one zone of a cluster, with a fixed count or autoscaling.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:      true,
				Description:   "`<project>/<cluster>/<name>`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"uid": schema.StringAttribute{
				Computed:      true,
				Description:   "Berth's unique id of this node group.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"cluster_id": schema.StringAttribute{
				Required: true,
				Description: "The cluster, as `<project>/<cluster>`: `berth_kubernetes_cluster.<name>.id`. A new cluster " +
					"(a replaced one too) has an id only once it exists, so its node groups are created with it.",
				Validators:    []validator.String{check("<project>/<cluster>", checkClusterID)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"project": schema.StringAttribute{
				Computed:      true,
				Description:   "The cluster's project (from `cluster_id`).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"cluster": schema.StringAttribute{
				Computed:      true,
				Description:   "The cluster's name (from `cluster_id`).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required:      true,
				Description:   "Node group name: a lower-case DNS label of at most 16 characters (node names are `<cluster>-<group>-<suffix>`). Changing it replaces the group.",
				Validators:    []validator.String{check("a node group name", func(s string) string { return validate.DNSLabel(s, validate.MaxNodeGroupName) })},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"flavor": schema.StringAttribute{
				Optional:    true,
				Computed:    true,
				Default:     stringdefault.StaticString(defaultFlavor),
				Description: "Server flavor from `berth_flavors`. Default `std-2-4`. Changes roll through the nodes.",
				Validators:  []validator.String{stringvalidator.LengthBetween(1, validate.MaxCatalogName)},
			},
			"zone": schema.StringAttribute{
				Optional:    true,
				Computed:    true,
				Description: "Availability zone; default: the cluster's first zone. Changing it replaces the group.",
				Validators:  []validator.String{stringvalidator.LengthBetween(1, validate.MaxCatalogName)},
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					stringplanmodifier.RequiresReplace(),
				},
			},
			"node_count": schema.Int64Attribute{
				Optional: true,
				Computed: true,
				Description: fmt.Sprintf("Nodes (0–%d). Default %d. With `autoscaling`, leave it unset: the autoscaler sets it "+
					"within the bounds, and Terraform keeps what it chose.", validate.MaxNodesPerGroup, defaultNodeCount),
				Validators:    []validator.Int64{int64validator.Between(0, validate.MaxNodesPerGroup)},
				PlanModifiers: []planmodifier.Int64{nodeGroupCount()},
			},
			"autoscaling": schema.SingleNestedAttribute{
				Optional: true,
				Description: "Let the cluster autoscaler set `node_count` within [min, max] (min ≤ max; min 0 scales to zero). " +
					"Unset: autoscaling off, and `node_count` is yours again at the autoscaler's last value.",
				Attributes: map[string]schema.Attribute{
					"min": count("Fewest nodes (0–500)."),
					"max": count("Most nodes (0–500)."),
				},
			},
			"labels": labelsAttribute("Kubernetes labels on every node of the group (at most 64). Change in place."),
			"taints": schema.ListNestedAttribute{
				Optional:    true,
				Computed:    true,
				Default:     listdefault.StaticValue(types.ListValueMust(types.ObjectType{AttrTypes: taintTypes}, []attr.Value{})),
				Description: "Kubernetes taints on every node (at most 32, each key:effect once). Default none.",
				Validators:  []validator.List{listvalidator.SizeAtMost(validate.MaxTaints)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"key": schema.StringAttribute{
						Required:    true,
						Description: "Taint key (Kubernetes label key rules).",
						Validators:  []validator.String{check("a taint key", validate.LabelKey)},
					},
					"value": schema.StringAttribute{
						Optional:    true,
						Computed:    true,
						Default:     stringdefault.StaticString(""),
						Description: "Taint value (Kubernetes label value rules); default empty.",
						Validators:  []validator.String{check("a taint value", validate.LabelValue)},
					},
					"effect": schema.StringAttribute{
						Required:    true,
						Description: "NoSchedule, PreferNoSchedule or NoExecute.",
						Validators:  []validator.String{stringvalidator.OneOf(validate.TaintEffects...)},
					},
				}},
			},
			"version": schema.StringAttribute{
				Optional: true,
				Description: "The group's own Kubernetes version (minor or patch from `berth_kubernetes_versions`): at most 3 minors " +
					"older than the cluster's, never newer, never lowered. Unset: the group follows the cluster and is upgraded with it, " +
					"right after the control plane. A change replaces the group's nodes by surge, once every master runs at least that version.",
				Validators: []validator.String{check("a Kubernetes version", validate.Version)},
			},
			"max_unavailable": schema.StringAttribute{
				Optional:    true,
				Computed:    true,
				Default:     stringdefault.StaticString(defaultMaxUnavailable),
				Description: "Servers a rolling update replaces at once (their successors are made and Ready first): a number (`\"1\"`) or a percentage of node_count (`\"25%\"`, the default).",
				Validators:  []validator.String{check("a count or a percentage", validate.MaxUnavailable)},
			},
			"volume": schema.SingleNestedAttribute{
				Optional: true,
				Computed: true,
				Default: objectdefault.StaticValue(types.ObjectValueMust(volumeTypes, map[string]attr.Value{
					"type": types.StringValue(defaultVolumeType), "size_gb": types.Int64Value(defaultVolumeSizeGB),
				})),
				Description: "Root disk of each real node: a volume of this type and size holding its kubelet and containerd " +
					"state, whose size is the node's `ephemeral-storage` capacity (simulated nodes get no disk but report that capacity). " +
					"Default `{ type = \"ssd\", size_gb = 20 }`. A change rolls through the nodes, as a flavor change does.",
				Attributes: map[string]schema.Attribute{
					"type": schema.StringAttribute{
						Optional:    true,
						Computed:    true,
						Default:     stringdefault.StaticString(defaultVolumeType),
						Description: "Volume type from `/v1/volume-types`.",
						Validators:  []validator.String{stringvalidator.LengthBetween(1, validate.MaxCatalogName)},
					},
					"size_gb": schema.Int64Attribute{
						Optional:    true,
						Computed:    true,
						Default:     int64default.StaticInt64(defaultVolumeSizeGB),
						Description: fmt.Sprintf("Size in GB (%d–%d).", validate.MinVolumeGB, validate.MaxVolumeGB),
						Validators:  []validator.Int64{int64validator.Between(validate.MinVolumeGB, validate.MaxVolumeGB)},
					},
				},
			},
			"runtime": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Description: "How the nodes run pods: `containerd` (real nodes running kubelet, containerd and kube-proxy) or " +
					"`simulated` (kwok nodes that keep Node and pod status without running containers, for scale tests). " +
					"Unset: the API's default (`" + apiDefaultRuntime + "`), known after apply and kept afterwards. A server " +
					"that cannot run real nodes refuses `containerd` and names this attribute. Changing it replaces the group.",
				Validators: []validator.String{stringvalidator.OneOf(validate.NodeRuntimes...)},
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					stringplanmodifier.RequiresReplace(),
				},
			},
			"status": schema.StringAttribute{
				Computed:    true,
				Description: "Phase: Provisioning, Running, Scaling, Updating, Stopping, Stopped, Starting, Deleting or Error.",
			},
			"servers": schema.Int64Attribute{
				Computed:    true,
				Description: "Servers of the group that exist.",
			},
			"ready_nodes": schema.Int64Attribute{
				Computed:    true,
				Description: "Nodes that are Ready.",
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}
