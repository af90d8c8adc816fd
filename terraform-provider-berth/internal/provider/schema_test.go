package provider

import (
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"berth.dev/terraform-provider-berth/internal/acctest"
	"berth.dev/terraform-provider-berth/internal/validate"
)

// TestSchemas: every schema passes the framework's own checks (reserved names such as count,
// defaults only on computed attributes, …) and every attribute says what it is for.
func TestSchemas(t *testing.T) {
	h := newProtoHarness(t)
	want := []string{
		"berth_kubernetes_cluster", "berth_kubernetes_node_group", "berth_project", "berth_token",
		"data.berth_kubernetes_versions", "data.berth_flavors", "data.berth_zones", "data.berth_kubernetes_cluster",
	}
	for _, name := range want {
		s, ok := h.types[name]
		if !ok {
			t.Errorf("missing %s", name)
			continue
		}
		var walk func(prefix string, attrs []*tfprotov6.SchemaAttribute)
		walk = func(prefix string, attrs []*tfprotov6.SchemaAttribute) {
			for _, a := range attrs {
				if strings.TrimSpace(a.Description) == "" {
					t.Errorf("%s: %s%s has no description", name, prefix, a.Name)
				}
				if a.NestedType != nil {
					walk(prefix+a.Name+".", a.NestedType.Attributes)
				}
			}
		}
		walk("", s.Block.Attributes)
	}
	if len(h.types) != len(want) {
		t.Errorf("schemas %d, want %d", len(h.types), len(want))
	}
}

// TestDefaultsAreTheAPIs: the schema's defaults are the ones the API applies, read from the
// API's own source (packages/api-types/src/defaults.ts), so a plan shows what Berth will do.
func TestDefaultsAreTheAPIs(t *testing.T) {
	root, err := acctest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(root, "packages", "api-types", "src", "defaults.ts"))
	if err != nil {
		t.Fatal(err)
	}
	src := string(raw)
	expect := func(pattern string) string {
		m := regexp.MustCompile(pattern).FindStringSubmatch(src)
		if m == nil {
			t.Fatalf("defaults.ts no longer matches %s", pattern)
		}
		return m[1]
	}
	checks := map[string]string{
		"master count":    expect(`controlPlane: \{ count: (\d+)`),
		"master flavor":   expect(`controlPlane: \{ count: \d+, flavor: '([^']+)'`),
		"zone":            expect(`zones: \['([^']+)'\]`),
		"subnet":          expect(`subnetCidr: '([^']+)'`),
		"pods":            expect(`podsCidr: '([^']+)'`),
		"services":        expect(`servicesCidr: '([^']+)'`),
		"group flavor":    expect(`NODE_GROUP_DEFAULTS = \{\s*flavor: '([^']+)'`),
		"count":           expect(`NODE_GROUP_DEFAULTS = \{[^}]*count: (\d+)`),
		"max unavailable": expect(`maxUnavailable: '([^']+)'`),
		"volume type":     expect(`volume: \{ type: '([^']+)'`),
		"volume size":     expect(`volume: \{ type: '[^']+', sizeGb: (\d+)`),
		// Named in runtime's description; the plan leaves an unset runtime to the API.
		"runtime": expect(`runtime: '([^']+)'`),
	}
	ours := map[string]string{
		"master count": strconv.Itoa(defaultMasterCount), "master flavor": defaultFlavor, "zone": defaultZone,
		"subnet": defaultSubnetCIDR, "pods": defaultPodsCIDR, "services": defaultServicesCIDR,
		"group flavor": defaultFlavor, "count": strconv.Itoa(defaultNodeCount), "max unavailable": defaultMaxUnavailable,
		"volume type": defaultVolumeType, "volume size": strconv.Itoa(defaultVolumeSizeGB), "runtime": apiDefaultRuntime,
	}
	for k, v := range checks {
		if ours[k] != v {
			t.Errorf("default %s: provider %q, API %q", k, ours[k], v)
		}
	}

	// And the smallest cluster plans exactly those values.
	h := newProtoHarness(t)
	plan := h.plan("berth_kubernetes_cluster", nil, map[string]any{"name": "demo"})
	if d := errorsOf(plan.Diagnostics); len(d) > 0 {
		t.Fatalf("plan: %s", d[0].Detail)
	}
	got := h.planned(plan, "berth_kubernetes_cluster")
	var cp, nw map[string]tftypes.Value
	_ = got["control_plane"].As(&cp)
	_ = got["network"].As(&nw)
	var count big.Float
	var flavor, pods string
	_ = cp["count"].As(&count)
	_ = cp["flavor"].As(&flavor)
	_ = nw["pods_cidr"].As(&pods)
	if c, _ := count.Int64(); c != 1 || flavor != "std-2-4" || pods != "10.100.0.0/16" {
		t.Errorf("planned control plane %v/%s, pods %s", count.String(), flavor, pods)
	}
	// id is unknown until the cluster exists (so replacing a cluster replaces its node
	// groups); version comes from the catalog's default.
	if got["id"].IsKnown() || got["version"].IsKnown() || !got["stopped"].IsKnown() {
		t.Errorf("want id and version known after apply, stopped planned: id %v, version %v, stopped %v", got["id"], got["version"], got["stopped"])
	}
}

// TestNodeRuntimesAreTheAPIs: runtime accepts exactly the API's NODE_RUNTIMES
// (packages/api-types/src/node-group.ts).
func TestNodeRuntimesAreTheAPIs(t *testing.T) {
	root, err := acctest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(root, "packages", "api-types", "src", "node-group.ts"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`NODE_RUNTIMES = \[([^\]]*)\]`).FindSubmatch(raw)
	if m == nil {
		t.Fatal("node-group.ts no longer declares NODE_RUNTIMES = [...]")
	}
	var api []string
	for _, q := range regexp.MustCompile(`'([^']+)'`).FindAllSubmatch(m[1], -1) {
		api = append(api, string(q[1]))
	}
	if strings.Join(api, ",") != strings.Join(validate.NodeRuntimes, ",") {
		t.Errorf("runtimes: provider %v, API %v", validate.NodeRuntimes, api)
	}
}

// TestValidation: bad input is refused at plan time on the attribute at fault.
func TestValidation(t *testing.T) {
	h := newProtoHarness(t)
	cluster := "berth_kubernetes_cluster"
	group := "berth_kubernetes_node_group"
	ng := func(extra map[string]any) map[string]any {
		out := map[string]any{"cluster_id": "default/demo", "name": "workers"}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	cases := []struct {
		name, typeName string
		config         map[string]any
		path, detail   string // detail: a substring; path "" = valid
	}{
		{"smallest cluster", cluster, map[string]any{"name": "demo"}, "", ""},
		{"masters = 2", cluster, map[string]any{"name": "demo", "control_plane": map[string]any{"count": 2}}, "control_plane.count", "must be one of"},
		{"masters = 3", cluster, map[string]any{"name": "demo", "control_plane": map[string]any{"count": 3}}, "", ""},
		{"host bits", cluster, map[string]any{"name": "demo", "network": map[string]any{"pods_cidr": "10.100.0.1/16"}}, "network.pods_cidr", "host bits"},
		{"services too small", cluster, map[string]any{"name": "demo", "network": map[string]any{"services_cidr": "10.254.0.0/25"}}, "network.services_cidr", "/24 or larger"},
		{"overlap with a default", cluster, map[string]any{"name": "demo", "network": map[string]any{"services_cidr": "10.0.0.0/24"}}, "network.services_cidr", "overlaps network.subnet_cidr"},
		{"disjoint custom ranges", cluster, map[string]any{"name": "demo", "network": map[string]any{"subnet_cidr": "192.168.0.0/24", "pods_cidr": "10.0.0.0/16", "services_cidr": "10.1.0.0/16"}}, "", ""},
		{"bad allowed cidr", cluster, map[string]any{"name": "demo", "api_access": map[string]any{"allowed_cidrs": []any{"10.0.0.0/8", "x"}}}, "api_access.allowed_cidrs[1]", "not an IPv4 CIDR"},
		{"name", cluster, map[string]any{"name": "Demo"}, "name", "lower-case"},
		{"version", cluster, map[string]any{"name": "demo", "version": "v1.34"}, "version", "minor like 1.34"},
		{"nine zones", cluster, map[string]any{"name": "demo", "zones": []any{"a", "b", "c", "d", "e", "f", "g", "h", "i"}}, "zones", "at least 1 elements and at most 8"},
		{"addon twice", cluster, map[string]any{"name": "demo", "addons": []any{map[string]any{"name": "velero"}, map[string]any{"name": "velero"}}}, "addons[1].name", "listed twice"},
		{"label key", cluster, map[string]any{"name": "demo", "labels": map[string]any{"a b": "x"}}, "labels[a b]", "label key"},
		{"smallest group", group, ng(nil), "", ""},
		{"min > max", group, ng(map[string]any{"autoscaling": map[string]any{"min": 5, "max": 2}}), "autoscaling.min", "min (5) is above max (2)"},
		{"count outside bounds", group, ng(map[string]any{"node_count": 7, "autoscaling": map[string]any{"min": 1, "max": 5}}), "node_count", "within the autoscaling bounds [1, 5]"},
		{"count within bounds", group, ng(map[string]any{"node_count": 5, "autoscaling": map[string]any{"min": 1, "max": 5}}), "", ""},
		{"501 nodes", group, ng(map[string]any{"node_count": 501}), "node_count", "between 0 and 500"},
		{"group name of 17", group, map[string]any{"cluster_id": "default/demo", "name": "abcdefghijklmnopq"}, "name", "1 to 16 characters"},
		{"cluster_id", group, map[string]any{"cluster_id": "demo", "name": "w"}, "cluster_id", "<project>/<cluster>"},
		{"taint twice", group, ng(map[string]any{"taints": []any{
			map[string]any{"key": "a", "effect": "NoSchedule"}, map[string]any{"key": "a", "value": "v", "effect": "NoSchedule"},
		}}), "taints[1]", "appears twice"},
		{"same key, other effect", group, ng(map[string]any{"taints": []any{
			map[string]any{"key": "a", "effect": "NoSchedule"}, map[string]any{"key": "a", "effect": "NoExecute"},
		}}), "", ""},
		{"max_unavailable", group, ng(map[string]any{"max_unavailable": "1000"}), "max_unavailable", "percentage"},
		{"volume", group, ng(map[string]any{"volume": map[string]any{"size_gb": 9}}), "volume.size_gb", "between 10 and 4096"},
		{"runtime", group, ng(map[string]any{"runtime": "docker"}), "runtime", `must be one of: ["containerd" "simulated"]`},
		{"simulated runtime", group, ng(map[string]any{"runtime": "simulated"}), "", ""},
		{"token role", "berth_token", map[string]any{"name": "ci", "role": "root"}, "role", "must be one of"},
		{"token expiry", "berth_token", map[string]any{"name": "ci", "role": "viewer", "expires_at": "tomorrow"}, "expires_at", "RFC 3339"},
		{"project description", "berth_project", map[string]any{"name": "p", "description": "a\x07b"}, "description", "control characters"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			diags := h.validate(tc.typeName, tc.config)
			if tc.path == "" {
				for _, d := range diags {
					t.Errorf("unexpected error on %s: %s: %s", pathString(d.Attribute), d.Summary, d.Detail)
				}
				return
			}
			for _, d := range diags {
				if pathString(d.Attribute) == tc.path && strings.Contains(d.Summary+" "+d.Detail, tc.detail) {
					return
				}
			}
			var got []string
			for _, d := range diags {
				got = append(got, pathString(d.Attribute)+": "+d.Summary+": "+d.Detail)
			}
			t.Errorf("want an error on %s containing %q; got %q", tc.path, tc.detail, got)
		})
	}
}
