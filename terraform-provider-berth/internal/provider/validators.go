package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// stringCheck adapts a rule of package validate to a string validator: the diagnostic sits on
// the attribute and says what is wrong with the value, at plan time.
type stringCheck struct {
	what  string
	check func(string) string
}

// check builds a string validator from a rule; `what` completes "must be …" in descriptions.
func check(what string, rule func(string) string) validator.String {
	return stringCheck{what: what, check: rule}
}

func (v stringCheck) Description(context.Context) string { return "must be " + v.what }

func (v stringCheck) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := v.check(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), msg)
	}
}
