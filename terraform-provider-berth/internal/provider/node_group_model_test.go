package provider

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"berth.dev/terraform-provider-berth/internal/client"
)

// TestNodeGroupRuntimeRoundTrip: runtime is read back from the API into state, and a create
// request carries it only when the plan knows it (set in the configuration); otherwise the
// API applies its default.
func TestNodeGroupRuntimeRoundTrip(t *testing.T) {
	stored := client.NodeGroup{Spec: client.NodeGroupSpec{
		Flavor: "std-2-4", Zone: "az1", Count: 3, MaxUnavailable: "25%",
		Volume: client.Volume{Type: "ssd", SizeGB: 20}, Runtime: "simulated",
	}}
	stored.Metadata.Project, stored.Metadata.Cluster, stored.Metadata.Name = "default", "demo", "w"
	var m nodeGroupModel
	m.fromAPI(&stored)
	if m.Runtime.ValueString() != "simulated" {
		t.Errorf("state runtime %v, want simulated", m.Runtime)
	}
	for _, tc := range []struct {
		name    string
		planned types.String
		want    string // the request's "runtime", "" = left out
	}{
		{"set", types.StringValue("simulated"), `"runtime":"simulated"`},
		{"unset: unknown until the API answers", types.StringUnknown(), ""},
		{"null", types.StringNull(), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := m
			plan.Runtime = tc.planned
			spec, _, diags := plan.createSpec(bg)
			if diags.HasError() {
				t.Fatal(diags)
			}
			raw, err := json.Marshal(spec)
			if err != nil {
				t.Fatal(err)
			}
			body := string(raw)
			if tc.want == "" && strings.Contains(body, `"runtime"`) || tc.want != "" && !strings.Contains(body, tc.want) {
				t.Errorf("request spec %s, want runtime %q", body, tc.want)
			}
		})
	}
}

// TestNodeGroupVersion: an unset version is null in state (the group follows its cluster), a
// create carries it only when set, and clearing it patches `null` (follow the cluster again).
func TestNodeGroupVersion(t *testing.T) {
	stored := client.NodeGroup{Spec: client.NodeGroupSpec{
		Flavor: "std-2-4", Zone: "az1", Count: 1, MaxUnavailable: "25%",
		Volume: client.Volume{Type: "ssd", SizeGB: 20}, Runtime: "containerd",
	}}
	var follows nodeGroupModel
	follows.fromAPI(&stored)
	if !follows.Version.IsNull() {
		t.Fatalf("state version %v, want null", follows.Version)
	}
	stored.Spec.Version = "1.33"
	var pinned nodeGroupModel
	pinned.fromAPI(&stored)
	if pinned.Version.ValueString() != "1.33" {
		t.Fatalf("state version %v, want 1.33", pinned.Version)
	}
	spec, _, diags := pinned.createSpec(bg)
	if diags.HasError() || spec.Version != "1.33" {
		t.Fatalf("create spec version %q (%v)", spec.Version, diags)
	}
	patch, _, diags := nodeGroupPatch(bg, &pinned, &follows)
	if diags.HasError() {
		t.Fatal(diags)
	}
	raw, err := json.Marshal(patch)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"version":null`) {
		t.Errorf("patch %s, want version null", raw)
	}
}
