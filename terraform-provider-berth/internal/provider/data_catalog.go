package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"berth.dev/terraform-provider-berth/internal/client"
)

// catalogDataSource is one of the catalogs (/v1/versions, /v1/flavors, /v1/zones): the schema
// of its items and how to read them.
type catalogDataSource struct {
	data        *providerData
	typeName    string
	description string
	attributes  map[string]schema.Attribute
	read        func(ctx context.Context, c *client.Client) (map[string]attr.Value, error)
}

func (d *catalogDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.typeName
}

func (d *catalogDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := map[string]schema.Attribute{"id": schema.StringAttribute{Computed: true, Description: "The catalog's name."}}
	for k, v := range d.attributes {
		attrs[k] = v
	}
	resp.Schema = schema.Schema{Description: d.description, Attributes: attrs}
}

func (d *catalogDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *catalogDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	c := configuredClient(d.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	values, err := d.read(ctx, c)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot read the "+d.typeName+" catalog", err, apiErrorContext{})
		return
	}
	values["id"] = types.StringValue(d.typeName)
	for name, v := range values {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, pathOf(name), v)...)
	}
}

var (
	versionTypes = map[string]attr.Type{
		"version": types.StringType, "patch": types.StringType, "default": types.BoolType,
		"end_of_support": types.StringType, "upgrades_to": types.ListType{ElemType: types.StringType},
	}
	flavorTypes = map[string]attr.Type{"name": types.StringType, "vcpus": types.Int64Type, "ram_mib": types.Int64Type, "disk_gb": types.Int64Type}
	zoneTypes   = map[string]attr.Type{"name": types.StringType, "available": types.BoolType}
)

func computedList(description string, attrs map[string]schema.Attribute) schema.ListNestedAttribute {
	return schema.ListNestedAttribute{
		Computed:     true,
		Description:  description,
		NestedObject: schema.NestedAttributeObject{Attributes: attrs},
	}
}

func computed(t string, description string) schema.Attribute {
	switch t {
	case "int":
		return schema.Int64Attribute{Computed: true, Description: description}
	case "bool":
		return schema.BoolAttribute{Computed: true, Description: description}
	default:
		return schema.StringAttribute{Computed: true, Description: description}
	}
}

// NewVersionsDataSource is berth_kubernetes_versions.
func NewVersionsDataSource() datasource.DataSource {
	return &catalogDataSource{
		typeName:    "kubernetes_versions",
		description: "The Kubernetes versions this Berth offers, and its default.",
		attributes: map[string]schema.Attribute{
			"versions": computedList("Each offered minor with the exact patch Berth runs for it.", map[string]schema.Attribute{
				"version": computed("string", "Minor, e.g. `1.34` (what a cluster's `version` takes)."),
				"patch":   computed("string", "Exact patch served for it, e.g. `1.34.10`."),
				"default": computed("bool", "Whether clusters get this minor when they name none."),
				"end_of_support": computed("string",
					"Last day upstream supports this minor with patches (`YYYY-MM-DD`, published or expected)."),
				"upgrades_to": schema.ListAttribute{Computed: true, ElementType: types.StringType,
					Description: "Exact patches a cluster on this minor may upgrade to (the next minor; empty for the newest)."},
			}),
			"default_version": computed("string", "The default minor."),
		},
		read: func(ctx context.Context, c *client.Client) (map[string]attr.Value, error) {
			items, err := c.Versions(ctx)
			if err != nil {
				return nil, err
			}
			values := make([]attr.Value, 0, len(items))
			def := types.StringNull()
			for _, v := range items {
				values = append(values, types.ObjectValueMust(versionTypes, map[string]attr.Value{
					"version": types.StringValue(v.Version), "patch": types.StringValue(v.Patch), "default": types.BoolValue(v.Default),
					"end_of_support": types.StringValue(v.EndOfSupport), "upgrades_to": stringList(v.UpgradesTo),
				}))
				if v.Default {
					def = types.StringValue(v.Version)
				}
			}
			return map[string]attr.Value{
				"versions":        types.ListValueMust(types.ObjectType{AttrTypes: versionTypes}, values),
				"default_version": def,
			}, nil
		},
	}
}

// NewFlavorsDataSource is berth_flavors.
func NewFlavorsDataSource() datasource.DataSource {
	return &catalogDataSource{
		typeName:    "flavors",
		description: "Server flavors (vCPUs, memory, disk) for masters and node groups.",
		attributes: map[string]schema.Attribute{
			"flavors": computedList("Every flavor.", map[string]schema.Attribute{
				"name":    computed("string", "Flavor name, e.g. `std-2-4`."),
				"vcpus":   computed("int", "Virtual CPUs."),
				"ram_mib": computed("int", "Memory in MiB."),
				"disk_gb": computed("int", "Disk in GB."),
			}),
			"names": schema.ListAttribute{Computed: true, ElementType: types.StringType, Description: "Every flavor's name."},
		},
		read: func(ctx context.Context, c *client.Client) (map[string]attr.Value, error) {
			items, err := c.Flavors(ctx)
			if err != nil {
				return nil, err
			}
			values := make([]attr.Value, 0, len(items))
			names := make([]string, 0, len(items))
			for _, f := range items {
				values = append(values, types.ObjectValueMust(flavorTypes, map[string]attr.Value{
					"name": types.StringValue(f.Name), "vcpus": types.Int64Value(f.VCPUs),
					"ram_mib": types.Int64Value(f.RAMMiB), "disk_gb": types.Int64Value(f.DiskGB),
				}))
				names = append(names, f.Name)
			}
			return map[string]attr.Value{
				"flavors": types.ListValueMust(types.ObjectType{AttrTypes: flavorTypes}, values),
				"names":   stringList(names),
			}, nil
		},
	}
}

// NewZonesDataSource is berth_zones.
func NewZonesDataSource() datasource.DataSource {
	return &catalogDataSource{
		typeName:    "zones",
		description: "Availability zones.",
		attributes: map[string]schema.Attribute{
			"zones": computedList("Every zone.", map[string]schema.Attribute{
				"name":      computed("string", "Zone name, e.g. `az1`."),
				"available": computed("bool", "Whether new servers can be placed there."),
			}),
			"available": schema.ListAttribute{Computed: true, ElementType: types.StringType, Description: "Names of the available zones, e.g. for a cluster's `zones`."},
		},
		read: func(ctx context.Context, c *client.Client) (map[string]attr.Value, error) {
			items, err := c.Zones(ctx)
			if err != nil {
				return nil, err
			}
			values := make([]attr.Value, 0, len(items))
			var available []string
			for _, z := range items {
				values = append(values, types.ObjectValueMust(zoneTypes, map[string]attr.Value{
					"name": types.StringValue(z.Name), "available": types.BoolValue(z.Available),
				}))
				if z.Available {
					available = append(available, z.Name)
				}
			}
			return map[string]attr.Value{
				"zones":     types.ListValueMust(types.ObjectType{AttrTypes: zoneTypes}, values),
				"available": stringList(available),
			}, nil
		},
	}
}
