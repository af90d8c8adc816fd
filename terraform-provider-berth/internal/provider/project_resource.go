package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"berth.dev/terraform-provider-berth/internal/client"
	"berth.dev/terraform-provider-berth/internal/validate"
)

var (
	_ resource.ResourceWithConfigure   = (*projectResource)(nil)
	_ resource.ResourceWithImportState = (*projectResource)(nil)
)

// NewProjectResource is berth_project. Creating and deleting projects needs a platform-wide
// admin token; Berth has no way to change a project, so every change replaces it.
func NewProjectResource() resource.Resource { return &projectResource{} }

type projectResource struct{ data *providerData }

type projectModel struct {
	ID          types.String `tfsdk:"id"`
	UID         types.String `tfsdk:"uid"`
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
	Labels      types.Map    `tfsdk:"labels"`
	CreatedAt   types.String `tfsdk:"created_at"`
}

var projectErrors = apiErrorContext{attributes: attributeSet("name", "description", "labels")}

func (r *projectResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_project"
}

func (r *projectResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	labels := labelsAttribute("Labels on the project (Kubernetes key and value rules, at most 64). Changing them replaces the project.")
	labels.PlanModifiers = []planmodifier.Map{mapplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		Description: "A project: the tenancy boundary every cluster and token lives in. Needs a platform-wide admin token. " +
			"A project is deleted only when it has no clusters left.",
		Attributes: map[string]schema.Attribute{
			"id":  schema.StringAttribute{Computed: true, Description: "The project name.", PlanModifiers: keep},
			"uid": schema.StringAttribute{Computed: true, Description: "Berth's unique id of this project.", PlanModifiers: keep},
			"name": schema.StringAttribute{
				Required:      true,
				Description:   "Project name: a lower-case DNS label of at most 40 characters.",
				Validators:    []validator.String{check("a project name", func(s string) string { return validate.DNSLabel(s, validate.MaxProjectName) })},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"description": schema.StringAttribute{
				Optional:      true,
				Computed:      true,
				Default:       stringdefault.StaticString(""),
				Description:   "What the project is for (at most 1000 characters). Changing it replaces the project.",
				Validators:    []validator.String{check("a description", validate.Description)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"labels":     labels,
			"created_at": schema.StringAttribute{Computed: true, Description: "RFC 3339 creation time.", PlanModifiers: keep},
		},
	}
}

func (r *projectResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (m *projectModel) fromAPI(p *client.Project) {
	m.ID = types.StringValue(p.Metadata.Name)
	m.UID = types.StringValue(p.Metadata.UID)
	m.Name = types.StringValue(p.Metadata.Name)
	m.Description = types.StringValue(p.Spec.Description)
	m.Labels = stringMap(p.Metadata.Labels)
	m.CreatedAt = types.StringValue(p.Metadata.CreatedAt)
}

func (r *projectResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan projectModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	c := configuredClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	labels, diags := mapOf(ctx, plan.Labels)
	resp.Diagnostics.Append(diags...)
	p, err := c.CreateProject(ctx, plan.Name.ValueString(), plan.Description.ValueString(), labels)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot create project "+plan.Name.ValueString(), err, projectErrors)
		return
	}
	plan.fromAPI(p)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *projectResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state projectModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := configuredClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	p, err := c.GetProject(ctx, state.Name.ValueString())
	if removeWhenGone(ctx, err, resp) {
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot read project "+state.Name.ValueString(), err, projectErrors)
		return
	}
	state.fromAPI(p)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update is never called with a change (every attribute replaces); it stores the plan.
func (r *projectResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan projectModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *projectResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state projectModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := configuredClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := c.DeleteProject(ctx, state.Name.ValueString()); err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Cannot delete project "+state.Name.ValueString(), err, projectErrors)
	}
}

func (r *projectResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), req.ID)...)
}
