package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"berth.dev/terraform-provider-berth/internal/client"
	"berth.dev/terraform-provider-berth/internal/validate"
)

var (
	_ resource.ResourceWithConfigure   = (*tokenResource)(nil)
	_ resource.ResourceWithImportState = (*tokenResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*tokenResource)(nil)
)

// NewTokenResource is berth_token: an API token of a project (needs an admin token of that
// project). Berth shows a token's secret once, in the create answer; it is kept in state
// (sensitive) and is null for an imported token. Tokens cannot change: every change replaces.
func NewTokenResource() resource.Resource { return &tokenResource{} }

type tokenResource struct{ data *providerData }

type tokenModel struct {
	ID        types.String `tfsdk:"id"`
	Project   types.String `tfsdk:"project"`
	Name      types.String `tfsdk:"name"`
	Role      types.String `tfsdk:"role"`
	ExpiresAt types.String `tfsdk:"expires_at"`
	Prefix    types.String `tfsdk:"prefix"`
	CreatedAt types.String `tfsdk:"created_at"`
	Secret    types.String `tfsdk:"secret"`
}

var tokenErrors = apiErrorContext{attributes: attributeSet("project", "name", "role", "expires_at")}

func (r *tokenResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_token"
}

func (r *tokenResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		Description: "An API token of a project, with a role. Needs an admin token of that project. The secret is shown once: " +
			"it is in state (sensitive) from create on, and null for an imported token.",
		Attributes: map[string]schema.Attribute{
			"id":      schema.StringAttribute{Computed: true, Description: "Token id (`tok-…`).", PlanModifiers: keep},
			"project": projectAttribute("token"),
			"name": schema.StringAttribute{
				Required:      true,
				Description:   "What the token is for (1–100 characters).",
				Validators:    []validator.String{stringvalidator.LengthBetween(1, 100), check("free text", validate.NoControlChars)},
				PlanModifiers: replace,
			},
			"role": schema.StringAttribute{
				Required:      true,
				Description:   "`viewer` reads; `member` also changes clusters and node groups and downloads kubeconfigs; `admin` also manages tokens.",
				Validators:    []validator.String{stringvalidator.OneOf(validate.TokenRoles...)},
				PlanModifiers: replace,
			},
			"expires_at": schema.StringAttribute{
				Optional:      true,
				Description:   "RFC 3339 time after which the token no longer works; default never.",
				Validators:    []validator.String{check("an RFC 3339 time", rfc3339)},
				PlanModifiers: replace,
			},
			"prefix":     schema.StringAttribute{Computed: true, Description: "First characters of the secret, as token lists show them.", PlanModifiers: keep},
			"created_at": schema.StringAttribute{Computed: true, Description: "RFC 3339 creation time.", PlanModifiers: keep},
			"secret": schema.StringAttribute{
				Computed:      true,
				Sensitive:     true,
				Description:   "The token (`berth_…`), shown by Berth only once.",
				PlanModifiers: keep,
			},
		},
	}
}

func rfc3339(s string) string {
	if _, err := time.Parse(time.RFC3339, s); err != nil {
		return fmt.Sprintf("%q is not an RFC 3339 time like 2030-01-31T00:00:00Z", s)
	}
	return ""
}

func (r *tokenResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *tokenResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !req.Plan.Raw.IsNull() {
		fillProject(ctx, r.data, req, resp)
	}
}

// fromAPI stores a token. The API writes times its own way (milliseconds); the configured
// expires_at stays as written when it names the same instant.
func (m *tokenModel) fromAPI(t *client.Token) {
	m.ID = types.StringValue(t.ID)
	if t.Project != nil {
		m.Project = types.StringValue(*t.Project)
	}
	m.Name = types.StringValue(t.Name)
	m.Role = types.StringValue(t.Role)
	if !sameInstant(m.ExpiresAt.ValueString(), t.ExpiresAt) {
		m.ExpiresAt = optionalString(canonicalTime(t.ExpiresAt))
	}
	m.Prefix = types.StringValue(t.Prefix)
	m.CreatedAt = types.StringValue(t.CreatedAt)
	if t.Secret != "" {
		m.Secret = types.StringValue(t.Secret)
	}
}

// canonicalTime writes an API time as RFC 3339 in UTC without trailing zeros
// ("2099-01-31T00:00:00Z", not "….000Z"): what people write, so imports match configurations.
func canonicalTime(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func sameInstant(a, b string) bool {
	ta, err1 := time.Parse(time.RFC3339, a)
	tb, err2 := time.Parse(time.RFC3339, b)
	return err1 == nil && err2 == nil && ta.Equal(tb)
}

func (r *tokenResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan tokenModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	c := configuredClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	t, err := c.CreateToken(ctx, plan.Project.ValueString(), plan.Name.ValueString(), plan.Role.ValueString(), plan.ExpiresAt.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot create token "+plan.Name.ValueString(), err, tokenErrors)
		return
	}
	plan.fromAPI(t)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *tokenResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state tokenModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := configuredClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	t, err := c.FindToken(ctx, state.Project.ValueString(), state.ID.ValueString())
	if removeWhenGone(ctx, err, resp) {
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot read token "+state.ID.ValueString(), err, tokenErrors)
		return
	}
	if t == nil {
		resp.State.RemoveResource(ctx) // revoked outside Terraform
		return
	}
	state.fromAPI(t)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update is never called with a change (every attribute replaces); it stores the plan.
func (r *tokenResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan tokenModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *tokenResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state tokenModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := configuredClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := c.DeleteToken(ctx, state.Project.ValueString(), state.ID.ValueString()); err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Cannot revoke token "+state.ID.ValueString(), err, tokenErrors)
	}
}

// ImportState takes `<project>/<token id>`; the secret of an imported token stays null.
func (r *tokenResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	project, id, ok := strings.Cut(req.ID, "/")
	if !ok || project == "" || id == "" {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("want <project>/<token id>, got %q", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("project"), project)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}
