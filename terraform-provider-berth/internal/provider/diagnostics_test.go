package provider

import (
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"berth.dev/terraform-provider-berth/internal/client"
)

// TestAPIFieldsMapToAttributes: the API names fields as JSON paths into its request body; a
// diagnostic sits on the attribute they came from.
func TestAPIFieldsMapToAttributes(t *testing.T) {
	for field, want := range map[string]string{
		"spec.controlPlane.count":        "control_plane.count",
		"spec.network.podsCidr":          "network.pods_cidr",
		"spec.apiAccess.allowedCidrs[2]": "api_access.allowed_cidrs[2]",
		"metadata.name":                  "name",
		"metadata.labels":                "labels",
		"spec.addons[1].version":         "addons[1].version",
		"version":                        "version",
		"spec.nodeGroups[0].name":        "",
		"Idempotency-Key":                "",
		"":                               "",
	} {
		p, ok := clusterErrors.attributePath(field)
		if got := map[bool]string{true: p.String(), false: ""}[ok]; got != want {
			t.Errorf("cluster field %q → %q, want %q", field, got, want)
		}
	}
	for field, want := range map[string]string{
		"spec.count":               "node_count",
		"spec.autoscaling.min":     "autoscaling.min",
		"spec.autoscaling.enabled": "autoscaling",
		"spec.volume.sizeGb":       "volume.size_gb",
		"spec.labels":              "labels",
		"metadata.labels":          "", // the group's object labels are not an attribute
		"spec.taints[3]":           "taints[3]",
		"spec.runtime":             "runtime",
	} {
		p, ok := nodeGroupErrors.attributePath(field)
		if got := map[bool]string{true: p.String(), false: ""}[ok]; got != want {
			t.Errorf("node group field %q → %q, want %q", field, got, want)
		}
	}
}

func onlyError(t *testing.T, diags diag.Diagnostics) diag.Diagnostic {
	t.Helper()
	if len(diags) != 1 || diags[0].Severity() != diag.SeverityError {
		t.Fatalf("want one error, got %v", diags)
	}
	return diags[0]
}

func attributeOf(d diag.Diagnostic) string {
	if wp, ok := d.(diag.DiagnosticWithPath); ok {
		return wp.Path().String()
	}
	return ""
}

// TestNotImplementedNamesTheAttribute: a 501 (a feature this server has not landed) is
// reported on the attribute — the one the API named, or the only non-default one sent.
func TestNotImplementedNamesTheAttribute(t *testing.T) {
	refused := func(field string) error {
		return &client.Problem{Status: 501, Code: client.CodeNotImplemented, Field: field, Detail: "node group autoscaling is not implemented yet"}
	}
	ctx := nodeGroupErrors
	ctx.nonDefault = []string{"autoscaling"}

	var diags diag.Diagnostics
	addAPIError(&diags, "Cannot create node group w", refused("spec.autoscaling"), ctx)
	d := onlyError(t, diags)
	if attributeOf(d) != "autoscaling" || !strings.Contains(d.Summary(), "not implemented by this Berth server") ||
		!strings.Contains(d.Detail(), "autoscaling: node group autoscaling is not implemented yet (BERTH_ERR_NOT_IMPLEMENTED)") {
		t.Errorf("with a field: %s / %s / %s", attributeOf(d), d.Summary(), d.Detail())
	}

	diags = nil
	addAPIError(&diags, "Cannot create node group w", refused(""), ctx)
	if d := onlyError(t, diags); attributeOf(d) != "autoscaling" || !strings.Contains(d.Detail(), "set autoscaling to a non-default value") {
		t.Errorf("without a field: %s / %s", attributeOf(d), d.Detail())
	}

	// No request sends two refusable attributes today (volume is no longer refused); should one
	// again, a 501 without a field names them all and sits on none.
	diags = nil
	two := apiErrorContext{nonDefault: []string{"feature_a", "feature_b"}}
	addAPIError(&diags, "Cannot create node group w", refused(""), two)
	if d := onlyError(t, diags); attributeOf(d) != "" || !strings.Contains(d.Detail(), "non-default values for: feature_a, feature_b") {
		t.Errorf("two candidates: %s / %s", attributeOf(d), d.Detail())
	}
}

// TestUnavailableRuntimeNamesTheAttribute: a server that cannot run real nodes refuses
// runtime containerd (its default too) with 503 naming spec.runtime; the diagnostic sits on
// runtime, whether the configuration set it or not.
func TestUnavailableRuntimeNamesTheAttribute(t *testing.T) {
	refused := &client.Problem{Status: 503, Code: "BERTH_ERR_UNAVAILABLE", Field: "spec.runtime",
		Detail: `spec.runtime: real nodes cannot run on this server: the platform registry does not run; ask for runtime "simulated" or run the platform registry`}
	var diags diag.Diagnostics
	addAPIError(&diags, "Cannot create node group w in cluster demo", refused, nodeGroupErrors)
	if d := onlyError(t, diags); attributeOf(d) != "runtime" || !strings.Contains(d.Detail(), `ask for runtime "simulated"`) {
		t.Errorf("%s / %s", attributeOf(d), d.Detail())
	}
}

// TestFailedOperationShowsItsErrorAndEvents: the diagnostic of a failed operation has the
// operation's problem and the events that followed its request.
func TestFailedOperationShowsItsErrorAndEvents(t *testing.T) {
	op := &client.Operation{ID: "op-1", Kind: "ClusterCreate", Phase: "Failed",
		Error: &client.Problem{Code: "BERTH_ERR_COMPONENT_MISSING", Detail: "kube-apiserver v1.35.4 is not installed"}}
	err := &client.OperationFailed{Operation: op, Events: []client.Event{
		{Time: "2026-01-01T00:00:00Z", Type: "Normal", Reason: "CreateRequested", Message: "Cluster demo requested"},
		{Time: "2026-01-01T00:00:05Z", Type: "Warning", Reason: "ClusterError", Message: "cluster is Error"},
	}}
	var diags diag.Diagnostics
	addAPIError(&diags, "Creating cluster demo failed", err, clusterErrors)
	detail := onlyError(t, diags).Detail()
	for _, want := range []string{
		"operation op-1 (ClusterCreate) failed: kube-apiserver v1.35.4 is not installed (BERTH_ERR_COMPONENT_MISSING)",
		"Events since it was requested:", "Normal   CreateRequested: Cluster demo requested", "Warning  ClusterError: cluster is Error",
	} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail lacks %q:\n%s", want, detail)
		}
	}
	diags = nil
	addAPIError(&diags, "x", errors.New("dial tcp 127.0.0.1:1: connection refused"), clusterErrors)
	if d := onlyError(t, diags); attributeOf(d) != "" || !strings.Contains(d.Detail(), "connection refused") {
		t.Errorf("a transport error: %s", d.Detail())
	}
}
