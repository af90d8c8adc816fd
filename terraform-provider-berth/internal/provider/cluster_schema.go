package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"berth.dev/terraform-provider-berth/internal/validate"
)

// The API's defaults (packages/api-types/src/defaults.ts, docs/api.md). Written into the schema
// so a plan shows them and a change made outside Terraform shows up as a difference.
const (
	defaultMasterCount  = 1
	defaultFlavor       = "std-2-4"
	defaultZone         = "az1"
	defaultSubnetCIDR   = "10.0.0.0/24"
	defaultPodsCIDR     = "10.100.0.0/16"
	defaultServicesCIDR = "10.254.0.0/16"
)

// The attributes a cluster cannot change after create: a change plans a replacement.
var clusterImmutable = []string{"name", "project", "control_plane", "zones", "network"}

func clusterSchema(ctx context.Context) schema.Schema {
	return schema.Schema{
		Description: "A Kubernetes cluster: control plane, network and API access. Its workers are " +
			"`berth_kubernetes_node_group` resources; a cluster created here starts with none. " +
			"`resource \"berth_kubernetes_cluster\" \"c\" { name = \"demo\" }` alone is a valid cluster.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:      true,
				Description:   "`<project>/<name>`; give it to a node group's `cluster_id`. Unknown until the cluster exists, so replacing the cluster replaces its node groups too.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"uid": schema.StringAttribute{
				Computed:      true,
				Description:   "Berth's unique id of this cluster; never reused.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required:      true,
				Description:   "Cluster name: a lower-case DNS label of at most 40 characters. Changing it replaces the cluster.",
				Validators:    []validator.String{check("a cluster name", func(s string) string { return validate.DNSLabel(s, validate.MaxClusterName) })},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"project": projectAttribute("cluster"),
			"version": schema.StringAttribute{
				Optional:      true,
				Computed:      true,
				Description:   "Kubernetes minor (`1.34`) or exact patch (`1.34.10`) from `berth_kubernetes_versions`; default: the catalog's default. A change runs the API's upgrade: one minor at a time, forward only, while the cluster runs.",
				Validators:    []validator.String{check("a Kubernetes version", validate.Version)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"current_version": schema.StringAttribute{
				Computed:      true,
				Description:   "The exact Kubernetes version the cluster runs, e.g. `1.34.10`.",
				PlanModifiers: []planmodifier.String{keepStateUnless("version")},
			},
			"control_plane": schema.SingleNestedAttribute{
				Optional:    true,
				Computed:    true,
				Description: "The masters. Cannot change after create (a change replaces the cluster).",
				Default:     objectdefault.StaticValue(types.ObjectValueMust(controlPlaneTypes, map[string]attr.Value{"count": types.Int64Value(defaultMasterCount), "flavor": types.StringValue(defaultFlavor)})),
				Attributes: map[string]schema.Attribute{
					"count": schema.Int64Attribute{
						Optional:    true,
						Computed:    true,
						Default:     int64default.StaticInt64(defaultMasterCount),
						Description: "Masters: 1, 3 or 5 (stacked etcd needs an odd quorum). Default 1.",
						Validators:  []validator.Int64{int64validator.OneOf(validate.ControlPlaneCounts...)},
					},
					"flavor": schema.StringAttribute{
						Optional:    true,
						Computed:    true,
						Default:     stringdefault.StaticString(defaultFlavor),
						Description: "Flavor of the masters, from `berth_flavors`. Default `std-2-4`.",
						Validators:  []validator.String{stringvalidator.LengthBetween(1, validate.MaxCatalogName)},
					},
				},
				PlanModifiers: []planmodifier.Object{objectplanmodifier.RequiresReplace()},
			},
			"zones": schema.ListAttribute{
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     listdefault.StaticValue(types.ListValueMust(types.StringType, []attr.Value{types.StringValue(defaultZone)})),
				Description: "Availability zones the masters spread over (1–8 distinct names from `berth_zones`). Default `[\"az1\"]`. Cannot change after create.",
				Validators: []validator.List{
					listvalidator.SizeBetween(1, validate.MaxZonesPerCluster),
					listvalidator.UniqueValues(),
					listvalidator.ValueStringsAre(stringvalidator.LengthBetween(1, validate.MaxCatalogName)),
				},
				PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplace()},
			},
			"network": schema.SingleNestedAttribute{
				Optional:    true,
				Computed:    true,
				Description: "The cluster's three IPv4 ranges; they must not overlap. Cannot change after create.",
				Default: objectdefault.StaticValue(types.ObjectValueMust(networkTypes, map[string]attr.Value{
					"subnet_cidr": types.StringValue(defaultSubnetCIDR), "pods_cidr": types.StringValue(defaultPodsCIDR), "services_cidr": types.StringValue(defaultServicesCIDR),
				})),
				Attributes: map[string]schema.Attribute{
					"subnet_cidr":   cidrAttribute("Tenant subnet of masters and workers", defaultSubnetCIDR, validate.MaxSubnetPrefix),
					"pods_cidr":     cidrAttribute("Pod addresses", defaultPodsCIDR, validate.MaxPodsPrefix),
					"services_cidr": cidrAttribute("Service (ClusterIP) addresses", defaultServicesCIDR, validate.MaxServicesPrefix),
				},
				PlanModifiers: []planmodifier.Object{objectplanmodifier.RequiresReplace()},
			},
			"api_access": schema.SingleNestedAttribute{
				Optional:    true,
				Computed:    true,
				Description: "Who reaches the Kubernetes API. Changes in place.",
				Default: objectdefault.StaticValue(types.ObjectValueMust(apiAccessTypes, map[string]attr.Value{
					"public": types.BoolValue(true), "allowed_cidrs": types.ListValueMust(types.StringType, []attr.Value{}),
				})),
				Attributes: map[string]schema.Attribute{
					"public": schema.BoolAttribute{
						Optional:    true,
						Computed:    true,
						Default:     booldefault.StaticBool(true),
						Description: "Give the API load balancer a floating IP. Default `true`.",
					},
					"allowed_cidrs": schema.ListAttribute{
						ElementType: types.StringType,
						Optional:    true,
						Computed:    true,
						Default:     listdefault.StaticValue(types.ListValueMust(types.StringType, []attr.Value{})),
						Description: "Source ranges allowed to reach the API (IPv4 CIDRs, at most 64); empty means everyone.",
						Validators: []validator.List{
							listvalidator.SizeAtMost(validate.MaxAllowedCIDRs),
							listvalidator.ValueStringsAre(check("an IPv4 CIDR", func(s string) string { return validate.CIDRText(s, 0) })),
						},
					},
				},
			},
			"labels": labelsAttribute("Labels on the cluster object (Kubernetes key and value rules, at most 64). Change in place."),
			"addons": schema.ListNestedAttribute{
				Optional:    true,
				Computed:    true,
				Default:     listdefault.StaticValue(types.ListValueMust(types.ObjectType{AttrTypes: addonTypes}, []attr.Value{})),
				Description: "Addons from `/v1/addons` (at most 32). Default none. A server may answer that addons are not implemented yet; the provider then names this attribute.",
				Validators:  []validator.List{listvalidator.SizeAtMost(validate.MaxAddonsPerCluster)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{
						Required:    true,
						Description: "Addon name from the catalog.",
						Validators:  []validator.String{stringvalidator.LengthBetween(1, validate.MaxCatalogName)},
					},
					"version": schema.StringAttribute{
						Optional:    true,
						Description: "One of the addon's versions; default: the addon's default version.",
						Validators:  []validator.String{stringvalidator.LengthAtMost(validate.MaxCatalogName)},
					},
					"config": schema.MapAttribute{
						ElementType: types.StringType,
						Optional:    true,
						Description: "Addon settings (at most 64).",
						Validators:  []validator.Map{mapvalidator.SizeAtMost(64)},
					},
				}},
			},
			"stopped": schema.BoolAttribute{
				Optional:    true,
				Computed:    true,
				Default:     booldefault.StaticBool(false),
				Description: "Desired power state: `true` stops the cluster's servers (disks and configuration kept), `false` starts them. Default `false`.",
			},
			"endpoint": schema.StringAttribute{
				Computed:      true,
				Description:   "The Kubernetes API address, `https://<address>:6443`.",
				PlanModifiers: []planmodifier.String{keepStateUnless("api_access", "stopped")},
			},
			"status": schema.StringAttribute{
				Computed:    true,
				Description: "Phase: Provisioning, Running, Reconciling, Stopping, Stopped, Starting, Upgrading, Deleting or Error.",
			},
			"kubeconfig": schema.StringAttribute{
				Computed:      true,
				Sensitive:     true,
				Description:   "Admin kubeconfig (YAML). Null while the server offers none (no control plane yet, or a server without real Kubernetes).",
				PlanModifiers: []planmodifier.String{keepStateUnless("api_access", "stopped")},
			},
			"kubernetes": kubernetesAttribute(),
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

func cidrAttribute(what, def string, maxPrefix int) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:    true,
		Computed:    true,
		Default:     stringdefault.StaticString(def),
		Description: what + fmt.Sprintf(": an IPv4 CIDR of /%d or larger. Default `%s`.", maxPrefix, def),
		Validators:  []validator.String{check("an IPv4 CIDR", func(s string) string { return validate.CIDRText(s, maxPrefix) })},
	}
}

func projectAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:    true,
		Computed:    true,
		Description: "Project of the " + what + "; default: the provider's project. Changing it replaces the " + what + ".",
		Validators:  []validator.String{check("a project name", func(s string) string { return validate.DNSLabel(s, validate.MaxProjectName) })},
		// Unset: the stored project stays (a later change of the provider's project moves
		// nothing); on create the resource's ModifyPlan fills in the provider's project.
		PlanModifiers: []planmodifier.String{
			stringplanmodifier.UseStateForUnknown(),
			stringplanmodifier.RequiresReplace(),
		},
	}
}

func labelsAttribute(description string) schema.MapAttribute {
	return schema.MapAttribute{
		ElementType: types.StringType,
		Optional:    true,
		Computed:    true,
		Default:     mapdefault.StaticValue(types.MapValueMust(types.StringType, map[string]attr.Value{})),
		Description: description,
		Validators: []validator.Map{
			mapvalidator.SizeAtMost(validate.MaxLabels),
			mapvalidator.KeysAre(check("a label key", validate.LabelKey)),
			mapvalidator.ValueStringsAre(check("a label value", validate.LabelValue)),
		},
	}
}

func kubernetesAttribute() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Computed: true,
		Description: "The admin kubeconfig's parts, as the `kubernetes` and `helm` providers take them " +
			"(`host`, `cluster_ca_certificate`, `client_certificate`, `client_key`, all PEM). Null with `kubeconfig`.",
		PlanModifiers: []planmodifier.Object{keepObjectUnless("api_access", "stopped")},
		Attributes: map[string]schema.Attribute{
			"host":                   schema.StringAttribute{Computed: true, Description: "API server URL."},
			"cluster_ca_certificate": schema.StringAttribute{Computed: true, Description: "Cluster CA certificate (PEM)."},
			"client_certificate":     schema.StringAttribute{Computed: true, Description: "Admin client certificate (PEM)."},
			"client_key":             schema.StringAttribute{Computed: true, Sensitive: true, Description: "Admin client key (PEM)."},
		},
	}
}
