package provider

import (
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func int64Of(t *testing.T, v tftypes.Value) int64 {
	t.Helper()
	if !v.IsKnown() || v.IsNull() {
		t.Fatalf("want a number, got %v", v)
	}
	var f big.Float
	if err := v.As(&f); err != nil {
		t.Fatal(err)
	}
	n, _ := f.Int64()
	return n
}

func stringOf(v tftypes.Value) string {
	var s string
	_ = v.As(&s)
	return s
}

// nodeGroupState is a node group as it sits in state after an apply.
func nodeGroupState(count int, autoscaling map[string]any) map[string]any {
	return map[string]any{
		"id": "default/demo/w", "uid": "u1", "cluster_id": "default/demo", "project": "default", "cluster": "demo",
		"name": "w", "flavor": "std-2-4", "zone": "az1", "node_count": count, "autoscaling": autoscaling,
		"labels": map[string]any{}, "taints": []any{}, "max_unavailable": "25%",
		"volume": map[string]any{"type": "ssd", "size_gb": 20}, "runtime": "containerd",
		"status": "Running", "servers": count, "ready_nodes": count,
	}
}

// TestNodeCountPlan: node_count left out of the configuration is planned as the API would set
// it — 3, or the autoscaler's count brought within the bounds — and an explicit one is kept.
func TestNodeCountPlan(t *testing.T) {
	h := newProtoHarness(t)
	typ := "berth_kubernetes_node_group"
	cfg := func(extra map[string]any) map[string]any {
		out := map[string]any{"cluster_id": "default/demo", "name": "w"}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	bounds := func(min, max int) map[string]any { return map[string]any{"min": min, "max": max} }
	cases := []struct {
		name   string
		prior  map[string]any
		config map[string]any
		want   int64
	}{
		{"create, no autoscaling", nil, cfg(nil), 3},
		{"create, explicit", nil, cfg(map[string]any{"node_count": 7}), 7},
		{"create, autoscaling above the default", nil, cfg(map[string]any{"autoscaling": bounds(4, 6)}), 4},
		{"create, autoscaling below the default", nil, cfg(map[string]any{"autoscaling": bounds(0, 2)}), 2},
		{"autoscaler moved it: kept", nodeGroupState(6, bounds(4, 8)), cfg(map[string]any{"autoscaling": bounds(4, 8)}), 6},
		{"bounds shrink: brought within", nodeGroupState(6, bounds(4, 8)), cfg(map[string]any{"autoscaling": bounds(1, 5)}), 5},
		{"autoscaling off: back to the default", nodeGroupState(6, bounds(4, 8)), cfg(nil), 3},
		{"fixed count changed outside Terraform: the configuration wins", nodeGroupState(9, nil), cfg(nil), 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := h.plan(typ, tc.prior, tc.config)
			for _, d := range errorsOf(resp.Diagnostics) {
				t.Fatalf("%s: %s", d.Summary, d.Detail)
			}
			if got := int64Of(t, h.planned(resp, typ)["node_count"]); got != tc.want {
				t.Errorf("node_count planned %d, want %d", got, tc.want)
			}
		})
	}
}

// TestNodeGroupRuntimePlan: an unset runtime is the API's to choose on create (unknown in the
// plan) and stays what the group has afterwards; a set one that differs from the group's
// replaces it.
func TestNodeGroupRuntimePlan(t *testing.T) {
	h := newProtoHarness(t)
	typ := "berth_kubernetes_node_group"
	cfg := func(extra map[string]any) map[string]any {
		out := map[string]any{"cluster_id": "default/demo", "name": "w"}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	simulated := func(state map[string]any) map[string]any { state["runtime"] = "simulated"; return state }
	cases := []struct {
		name    string
		prior   map[string]any
		config  map[string]any
		want    string // "" = unknown
		replace bool
	}{
		{"create, unset: the API's default", nil, cfg(nil), "", false},
		{"create, simulated", nil, cfg(map[string]any{"runtime": "simulated"}), "simulated", false},
		{"unset, another change: the group's runtime kept", nodeGroupState(3, nil), cfg(map[string]any{"flavor": "std-4-8"}), "containerd", false},
		{"unset on a simulated group: kept, no replacement", simulated(nodeGroupState(3, nil)), cfg(nil), "simulated", false},
		{"set to what the group has", nodeGroupState(3, nil), cfg(map[string]any{"runtime": "containerd"}), "containerd", false},
		{"changed: replaces the group", nodeGroupState(3, nil), cfg(map[string]any{"runtime": "simulated"}), "simulated", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := h.plan(typ, tc.prior, tc.config)
			for _, d := range errorsOf(resp.Diagnostics) {
				t.Fatalf("%s: %s", d.Summary, d.Detail)
			}
			got := h.planned(resp, typ)["runtime"]
			if tc.want == "" && got.IsKnown() || tc.want != "" && stringOf(got) != tc.want {
				t.Errorf("runtime planned %v, want %q", got, tc.want)
			}
			var replace bool
			for _, p := range resp.RequiresReplace {
				replace = replace || pathString(p) == "runtime"
			}
			if replace != tc.replace {
				t.Errorf("requires replace %v, want runtime among them: %v", resp.RequiresReplace, tc.replace)
			}
		})
	}
}

func clusterState(extra map[string]any) map[string]any {
	out := map[string]any{
		"id": "default/demo", "uid": "u1", "name": "demo", "project": "default", "version": "1.34", "current_version": "1.34.10",
		"control_plane": map[string]any{"count": 1, "flavor": "std-2-4"}, "zones": []any{"az1"},
		"network":    map[string]any{"subnet_cidr": "10.0.0.0/24", "pods_cidr": "10.100.0.0/16", "services_cidr": "10.254.0.0/16"},
		"api_access": map[string]any{"public": true, "allowed_cidrs": []any{}}, "labels": map[string]any{}, "addons": []any{},
		"stopped": false, "endpoint": "https://198.18.0.10:6443", "status": "Running", "kubeconfig": "apiVersion: v1\n",
		"kubernetes": map[string]any{"host": "https://198.18.0.10:6443", "cluster_ca_certificate": "CA", "client_certificate": "C", "client_key": "K"},
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

// TestClusterPlan: what stays known across an update, what forces a replacement (and says
// why), and which version changes are refused before anything is applied.
func TestClusterPlan(t *testing.T) {
	h := newProtoHarness(t)
	typ := "berth_kubernetes_cluster"
	t.Run("a labels change keeps endpoint and kubeconfig known", func(t *testing.T) {
		resp := h.plan(typ, clusterState(nil), map[string]any{"name": "demo", "labels": map[string]any{"a": "b"}})
		got := h.planned(resp, typ)
		if stringOf(got["endpoint"]) != "https://198.18.0.10:6443" || !got["kubeconfig"].IsKnown() || !got["kubernetes"].IsKnown() {
			t.Errorf("endpoint %v, kubeconfig known %v", got["endpoint"], got["kubeconfig"].IsKnown())
		}
		if len(resp.RequiresReplace) != 0 {
			t.Errorf("a labels change must not replace: %v", resp.RequiresReplace)
		}
	})
	t.Run("an api_access change makes them unknown", func(t *testing.T) {
		resp := h.plan(typ, clusterState(nil), map[string]any{"name": "demo", "api_access": map[string]any{"public": false}})
		got := h.planned(resp, typ)
		if got["endpoint"].IsKnown() || got["kubeconfig"].IsKnown() {
			t.Errorf("endpoint %v and kubeconfig must be unknown", got["endpoint"])
		}
	})
	t.Run("zones and control plane force a replacement, with a warning naming them", func(t *testing.T) {
		resp := h.plan(typ, clusterState(nil), map[string]any{"name": "demo", "zones": []any{"az2"}, "control_plane": map[string]any{"count": 3}})
		var paths []string
		for _, p := range resp.RequiresReplace {
			paths = append(paths, pathString(p))
		}
		joined := strings.Join(paths, ",")
		if !strings.Contains(joined, "zones") || !strings.Contains(joined, "control_plane") {
			t.Errorf("requires replace %v", paths)
		}
		var warned bool
		for _, d := range resp.Diagnostics {
			warned = warned || strings.Contains(d.Detail, "control_plane, zones cannot change after a cluster is created")
		}
		if !warned {
			t.Errorf("no warning naming control_plane and zones: %+v", resp.Diagnostics)
		}
	})
	for _, tc := range []struct {
		name, from, current, to string
		stopped                 bool
		want                    string
	}{
		{"one minor up", "1.33", "1.33.13", "1.34", false, ""},
		{"two minors up", "1.33", "1.33.13", "1.35", false, "skips a minor version"},
		{"down", "1.34", "1.34.10", "1.33", false, "downgrades are not supported"},
		{"same minor as a patch", "1.34", "1.34.10", "1.34.10", false, "already runs 1.34.10"},
		{"while stopped", "1.33", "1.33.13", "1.34", true, "is stopped"},
	} {
		t.Run("version "+tc.name, func(t *testing.T) {
			prior := clusterState(map[string]any{"version": tc.from, "current_version": tc.current, "stopped": tc.stopped})
			resp := h.plan(typ, prior, map[string]any{"name": "demo", "version": tc.to, "stopped": tc.stopped})
			errs := errorsOf(resp.Diagnostics)
			if tc.want == "" {
				for _, d := range errs {
					t.Errorf("unexpected: %s", d.Detail)
				}
				return
			}
			if len(errs) != 1 || pathString(errs[0].Attribute) != "version" || !strings.Contains(errs[0].Detail, tc.want) {
				t.Errorf("want one error on version containing %q, got %+v", tc.want, errs)
			}
		})
	}
}
