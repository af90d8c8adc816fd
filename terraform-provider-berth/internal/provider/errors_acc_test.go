package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"berth.dev/terraform-provider-berth/internal/client"
)

// TestAccPlanTimeErrors: bad input is refused by `plan`, naming the attribute, before anything
// reaches the API.
func TestAccPlanTimeErrors(t *testing.T) {
	requireAcc(t)
	cluster := func(body string) string {
		return accConfig(`resource "berth_kubernetes_cluster" "c" {
  name = "acc-bad"
` + body + "\n}")
	}
	groupIn := func(clusterID, body string) string {
		return accConfig(`resource "berth_kubernetes_node_group" "g" {
  cluster_id = "` + clusterID + `"
  name       = "workers"
` + body + "\n}")
	}
	group := func(body string) string { return groupIn("default/acc-bad", body) }
	cases := []struct {
		name, config, want string
	}{
		{"masters = 2", cluster(`control_plane = { count = 2 }`), `(?s)control_plane\.count.*must be one of: \["1" "3" "5"\], got: 2`},
		{"min > max", group(`autoscaling = { min = 5, max = 2 }`), `(?s)Invalid autoscaling bounds.*autoscaling: min \(5\) is above max \(2\)`},
		{"count outside bounds", group("node_count = 9\nautoscaling = { min = 1, max = 5 }"), `(?s)node_count 9 must lie within the autoscaling bounds \[1, 5\]`},
		{"CIDR with host bits", cluster(`network = { pods_cidr = "10.100.0.5/16" }`), `(?s)Invalid network\.pods_cidr.*host bits set; did you mean 10\.100\.0\.0/16\?`},
		{"CIDR too small", cluster(`network = { subnet_cidr = "10.0.0.0/29" }`), `(?s)network\.subnet_cidr.*use a /28 or larger`},
		{"not a CIDR", cluster(`api_access = { allowed_cidrs = ["10.0.0.1"] }`), `(?s)api_access\.allowed_cidrs\[0\].*not an IPv4 CIDR`},
		{"overlapping ranges", cluster(`network = { pods_cidr = "10.0.0.0/16" }`), `(?s)Overlapping network ranges.*network\.pods_cidr \(10\.0\.0\.0/16\) overlaps network\.subnet_cidr \(10\.0\.0\.0/24\)`},
		{"bad name", accConfig(`resource "berth_kubernetes_cluster" "c" { name = "Bad_Name" }`), `(?s)Invalid name.*lower-case letters`},
		{"unknown version", cluster(`version = "1.99"`), `(?s)Unsupported Kubernetes version.*"1\.99" is not offered by this Berth; supported: 1\.\d+`},
		{"unknown zone", cluster(`zones = ["az1", "mars"]`), `(?s)Unknown zone.*unknown zone "mars"; known: az1`},
		{"duplicate zones", cluster(`zones = ["az1", "az1"]`), `(?s)zones.*duplicate`},
		{"unknown flavor", group(`flavor = "huge"`), `(?s)Unknown flavor.*unknown flavor "huge"; known: std-2-4`},
		{"cluster_id not project/name", groupIn("acc-bad", ``), `(?s)Invalid cluster_id.*<project>/<cluster>`},
		{"duplicate taint", group(`taints = [{ key = "a", effect = "NoSchedule" }, { key = "a", value = "b", effect = "NoSchedule" }]`), `(?s)Duplicate taint.*a:NoSchedule appears twice`},
		{"bad taint effect", group(`taints = [{ key = "a", effect = "Never" }]`), `(?s)taints\[0\]\.effect.*must be one of`},
		{"bad max_unavailable", group(`max_unavailable = "25 %"`), `(?s)Invalid max_unavailable`},
		{"volume too small", group(`volume = { size_gb = 5 }`), `(?s)volume\.size_gb.*between 10 and 4096`},
		{"bad label key", cluster(`labels = { "bad key" = "x" }`), `(?s)not a valid Kubernetes label key`},
		{"unknown addon", cluster(`addons = [{ name = "nope" }]`), `(?s)Unknown addon.*unknown addon "nope"`},
		{"bad token role", accConfig(`resource "berth_token" "t" {
  name = "x"
  role = "owner"
}`), `(?s)role.*must be one of`},
	}
	var steps []resource.TestStep
	for _, tc := range cases {
		steps = append(steps, resource.TestStep{Config: tc.config, PlanOnly: true, ExpectError: regexp.MustCompile(tc.want)})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: accProviders,
		Steps:                    steps,
		CheckDestroy: func(*terraform.State) error {
			_, err := accAPI.GetCluster(bg, "default", "acc-bad")
			if !client.IsNotFound(err) {
				return fmt.Errorf("a refused plan reached the API: cluster acc-bad exists (err %v)", err)
			}
			return nil
		},
	})
}

// TestAccVersionChanges: a version change runs the API's upgrade; a downgrade is refused at
// plan time, naming the attribute.
func TestAccVersionChanges(t *testing.T) {
	requireAcc(t)
	versions, err := accAPI.Versions(bg)
	if err != nil {
		t.Fatal(err)
	}
	var def, older string
	for _, v := range versions {
		if v.Default {
			def = v.Version
		}
	}
	for _, v := range versions {
		if !v.Default && strings.Compare(v.Version, def) < 0 && (older == "" || strings.Compare(v.Version, older) > 0) {
			older = v.Version
		}
	}
	if older == "" {
		t.Fatalf("the catalog offers no minor below the default %s: %+v", def, versions)
	}
	at := func(version string) string {
		return accConfig(fmt.Sprintf(`resource "berth_kubernetes_cluster" "c" {
  name    = "acc-upgrade"
  version = %q
}`, version))
	}
	var uid uidTracker
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: accProviders,
		CheckDestroy:             clusterGone("acc-upgrade"),
		Steps: []resource.TestStep{
			{
				Config: at(older),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(clusterAddr, "version", older),
					resource.TestMatchResourceAttr(clusterAddr, "current_version", regexp.MustCompile("^"+regexp.QuoteMeta(older))),
					uid.remember,
				),
			},
			{
				Config: at(def),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(clusterAddr, "version", def),
					resource.TestMatchResourceAttr(clusterAddr, "current_version", regexp.MustCompile("^"+regexp.QuoteMeta(def))),
					uid.same,
					apiCluster("acc-upgrade", func(c *client.Cluster) error {
						if c.Spec.Version != def || c.Status.Phase != "Running" {
							return fmt.Errorf("API: version %s, phase %s", c.Spec.Version, c.Status.Phase)
						}
						return nil
					}),
				),
			},
			{
				Config:      at(older),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid version change.*older than .*downgrades are not supported`),
			},
		},
	})
}

// TestAccApplyTimeErrors: what only the API can know (a taken name) is reported on the
// attribute; a wait that runs out of time names the operation it left. (An operation that fails
// is in the local-provider test: the memory provider has no failure a user can cause.)
func TestAccApplyTimeErrors(t *testing.T) {
	requireAcc(t)
	apiDo(t, "create cluster acc-taken", func() (client.Accepted[client.Cluster], error) {
		return accAPI.CreateCluster(bg, "default", client.ClusterCreate{Name: "acc-taken"})
	})
	defer apiDo(t, "delete cluster acc-taken", func() (client.Accepted[client.Cluster], error) {
		return accAPI.DeleteCluster(bg, "default", "acc-taken")
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: accProviders,
		CheckDestroy:             clusterGone("acc-slow"),
		Steps: []resource.TestStep{
			{
				Config: accConfig(`resource "berth_kubernetes_cluster" "c" { name = "acc-taken" }`),
				// Named as the attribute, not as the API's field (metadata.name).
				ExpectError: regexp.MustCompile(`(?s)Cannot create cluster acc-taken.*\bname: cluster "acc-taken" already exists in project "default"\s+\(BERTH_ERR_ALREADY_EXISTS\)`),
			},
			{
				// A wait that runs out of time says which operation it left, where it was, and how
				// to follow it; the cluster stays in state (tainted), so nothing is lost.
				Config: accConfig(`resource "berth_kubernetes_cluster" "c" {
  name = "acc-slow"
  timeouts {
    create = "200ms"
  }
}`),
				ExpectError: regexp.MustCompile(`(?s)Creating cluster acc-slow failed: timed out.*timed out after [\d.]+m?s waiting\s+for\s+operation\s+op-\S+\s+\(ClusterCreate,\s+Pending\s+0%.*berth\s+wait\s+op-.*timeouts`),
			},
		},
	})
}
