package provider

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"berth.dev/terraform-provider-berth/internal/client"
)

// apiErrorContext says how to turn an API refusal into diagnostics for one resource: which
// top-level attributes exist (so an API field maps to an attribute path only when it names
// one), renames the generic mapping gets wrong, and which attributes the request set to
// non-default values (named when a 501 does not say which field it refuses).
type apiErrorContext struct {
	attributes map[string]bool
	renames    map[string]string
	nonDefault []string
}

var indexed = regexp.MustCompile(`^([A-Za-z0-9_]+)\[(\d+)\]$`)

// attributePath maps an API field ("spec.network.podsCidr", "spec.apiAccess.allowedCidrs[2]",
// "metadata.labels", "version") to the attribute it came from; ok is false when it names no
// attribute of this resource.
func (c apiErrorContext) attributePath(field string) (path.Path, bool) {
	if field == "" {
		return path.Empty(), false
	}
	for from, to := range c.renames {
		if field == from || strings.HasPrefix(field, from+".") || strings.HasPrefix(field, from+"[") {
			field = to + strings.TrimPrefix(field, from)
			break
		}
	}
	field = strings.TrimPrefix(strings.TrimPrefix(field, "spec."), "metadata.")
	var p path.Path
	for i, segment := range strings.Split(field, ".") {
		name, index := segment, -1
		if m := indexed.FindStringSubmatch(segment); m != nil {
			name = m[1]
			index, _ = strconv.Atoi(m[2])
		}
		name = snakeCase(name)
		if i == 0 {
			if !c.attributes[name] {
				return path.Empty(), false
			}
			p = path.Root(name)
		} else {
			p = p.AtName(name)
		}
		if index >= 0 {
			p = p.AtListIndex(index)
		}
	}
	return p, true
}

func snakeCase(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// addAPIError turns err from an API call into a diagnostic: on the attribute the API named
// when it did, with the operation's events when an operation failed.
func addAPIError(diags *diag.Diagnostics, summary string, err error, ctx apiErrorContext) {
	var failed *client.OperationFailed
	var timeout *client.OperationTimeout
	switch problem, isProblem := client.AsProblem(err); {
	case errors.As(err, &failed):
		diags.AddError(summary, err.Error())
	case errors.As(err, &timeout):
		diags.AddError(summary+": timed out", err.Error()+"\nRaise the limit in this resource's `timeouts` block if the operation needs longer.")
	case isProblem && problem.Code == client.CodeNotImplemented:
		addNotImplemented(diags, summary, problem, ctx)
	case isProblem:
		if p, ok := ctx.attributePath(problem.Field); ok {
			diags.AddAttributeError(p, summary, inTerraformTerms(p, problem))
			return
		}
		diags.AddError(summary, problem.Error())
	default:
		diags.AddError(summary, err.Error())
	}
}

// addNotImplemented reports a 501: the server runs without a feature the request asked for.
func addNotImplemented(diags *diag.Diagnostics, summary string, problem *client.Problem, ctx apiErrorContext) {
	detail := fmt.Sprintf("This Berth server does not implement what the request asked for yet: %s", problem.Error())
	if p, ok := ctx.attributePath(problem.Field); ok {
		detail = "This Berth server does not implement what the request asked for yet: " + inTerraformTerms(p, problem)
		diags.AddAttributeError(p, summary+": not implemented by this Berth server", detail+
			"\nRemove the attribute (its default is always accepted), or use a Berth server where the feature has landed.")
		return
	}
	if len(ctx.nonDefault) == 1 {
		diags.AddAttributeError(path.Root(ctx.nonDefault[0]), summary+": not implemented by this Berth server", detail+
			"\nThis request set "+ctx.nonDefault[0]+" to a non-default value; remove it (its default is always accepted).")
		return
	}
	if len(ctx.nonDefault) > 1 {
		detail += "\nThis request set non-default values for: " + strings.Join(ctx.nonDefault, ", ") +
			"; remove them (their defaults are always accepted)."
	}
	diags.AddError(summary+": not implemented by this Berth server", detail)
}

// inTerraformTerms is the API's message with the attribute's name where the API named its field:
// "name: cluster \"x\" already exists (BERTH_ERR_ALREADY_EXISTS)", not "metadata.name: …".
func inTerraformTerms(at path.Path, problem *client.Problem) string {
	return fmt.Sprintf("%s: %s (%s)", at, problem.Detail, problem.Code)
}
