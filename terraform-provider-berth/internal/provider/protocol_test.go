package provider

import (
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Unit tests drive the provider through the plugin protocol, as Terraform does, without a CLI
// or a Berth server: schemas, validation and planning are pure.

type protoHarness struct {
	t      *testing.T
	server tfprotov6.ProviderServer
	types  map[string]*tfprotov6.Schema
}

func newProtoHarness(t *testing.T) *protoHarness {
	t.Helper()
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.GetProviderSchema(bg, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("schema: %s: %s", d.Summary, d.Detail)
	}
	schemas := map[string]*tfprotov6.Schema{}
	for name, s := range resp.ResourceSchemas {
		schemas[name] = s
	}
	for name, s := range resp.DataSourceSchemas {
		schemas["data."+name] = s
	}
	return &protoHarness{t: t, server: server, types: schemas}
}

func (h *protoHarness) objectType(typeName string) tftypes.Object {
	s, ok := h.types[typeName]
	if !ok {
		h.t.Fatalf("no schema for %s", typeName)
	}
	return s.ValueType().(tftypes.Object)
}

// value builds an object of typeName's schema from the given attributes; every other
// attribute (and block) is null. Nested values are given as Go maps/slices (see toValue).
func (h *protoHarness) value(typeName string, attrs map[string]any) tftypes.Value {
	return toValue(h.objectType(typeName), attrs)
}

// toValue converts Go values to tftypes of type t: nil → null, tftypes.Value as is,
// map[string]any → object or map, []any → list, string, int, bool.
func toValue(t tftypes.Type, v any) tftypes.Value {
	if tv, ok := v.(tftypes.Value); ok {
		return tv
	}
	if v == nil {
		return tftypes.NewValue(t, nil)
	}
	switch typ := t.(type) {
	case tftypes.Object:
		in := v.(map[string]any)
		out := map[string]tftypes.Value{}
		for name, at := range typ.AttributeTypes {
			out[name] = toValue(at, in[name])
		}
		return tftypes.NewValue(typ, out)
	case tftypes.Map:
		out := map[string]tftypes.Value{}
		for k, e := range v.(map[string]any) {
			out[k] = toValue(typ.ElementType, e)
		}
		return tftypes.NewValue(typ, out)
	case tftypes.List:
		var out []tftypes.Value
		for _, e := range v.([]any) {
			out = append(out, toValue(typ.ElementType, e))
		}
		return tftypes.NewValue(typ, out)
	}
	switch x := v.(type) {
	case int:
		return tftypes.NewValue(t, int64(x))
	default:
		return tftypes.NewValue(t, x)
	}
}

func (h *protoHarness) dynamic(typeName string, v tftypes.Value) *tfprotov6.DynamicValue {
	dv, err := tfprotov6.NewDynamicValue(h.objectType(typeName), v)
	if err != nil {
		h.t.Fatal(err)
	}
	return &dv
}

// validate runs ValidateResourceConfig and returns the error diagnostics.
func (h *protoHarness) validate(typeName string, config map[string]any) []*tfprotov6.Diagnostic {
	resp, err := h.server.ValidateResourceConfig(bg, &tfprotov6.ValidateResourceConfigRequest{
		TypeName: typeName,
		Config:   h.dynamic(typeName, h.value(typeName, config)),
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return errorsOf(resp.Diagnostics)
}

// plan runs PlanResourceChange with Terraform's proposed new state (the configuration, with
// the prior state's value for every computed attribute the configuration leaves null).
func (h *protoHarness) plan(typeName string, prior, config map[string]any) *tfprotov6.PlanResourceChangeResponse {
	objType := h.objectType(typeName)
	configValue := h.value(typeName, config)
	priorValue := tftypes.NewValue(objType, nil)
	proposed := configValue
	if prior != nil {
		priorValue = h.value(typeName, prior)
		proposed = proposeNew(h.types[typeName], configValue, priorValue)
	}
	resp, err := h.server.PlanResourceChange(bg, &tfprotov6.PlanResourceChangeRequest{
		TypeName:         typeName,
		PriorState:       h.dynamic(typeName, priorValue),
		ProposedNewState: h.dynamic(typeName, proposed),
		Config:           h.dynamic(typeName, configValue),
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return resp
}

func proposeNew(s *tfprotov6.Schema, config, prior tftypes.Value) tftypes.Value {
	var cfg, old map[string]tftypes.Value
	_ = config.As(&cfg)
	_ = prior.As(&old)
	out := map[string]tftypes.Value{}
	for name, v := range cfg {
		out[name] = v
	}
	for _, a := range s.Block.Attributes {
		if a.Computed && cfg[a.Name].IsNull() {
			out[a.Name] = old[a.Name]
		}
	}
	return tftypes.NewValue(config.Type(), out)
}

func (h *protoHarness) planned(resp *tfprotov6.PlanResourceChangeResponse, typeName string) map[string]tftypes.Value {
	v, err := resp.PlannedState.Unmarshal(h.objectType(typeName))
	if err != nil {
		h.t.Fatal(err)
	}
	var out map[string]tftypes.Value
	if err := v.As(&out); err != nil {
		h.t.Fatal(err)
	}
	return out
}

func errorsOf(diags []*tfprotov6.Diagnostic) []*tfprotov6.Diagnostic {
	var out []*tfprotov6.Diagnostic
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			out = append(out, d)
		}
	}
	return out
}

// pathString renders a diagnostic's attribute path as Terraform users write it: a.b[0].c.
func pathString(p *tftypes.AttributePath) string {
	if p == nil {
		return ""
	}
	out := ""
	for _, step := range p.Steps() {
		switch s := step.(type) {
		case tftypes.AttributeName:
			if out != "" {
				out += "."
			}
			out += string(s)
		case tftypes.ElementKeyInt:
			out += "[" + strconv.FormatInt(int64(s), 10) + "]"
		case tftypes.ElementKeyString:
			out += "[" + string(s) + "]"
		}
	}
	return out
}
