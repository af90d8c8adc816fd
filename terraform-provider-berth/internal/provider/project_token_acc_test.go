package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"berth.dev/terraform-provider-berth/internal/client"
)

const (
	projectAddr = "berth_project.p"
	tokenAddr   = "berth_token.t"
)

// TestAccProjectAndToken: an admin makes a project and a member token in it; the token works,
// in that project only; its secret is kept once; revoking it outside Terraform plans a new one.
func TestAccProjectAndToken(t *testing.T) {
	requireAcc(t)
	config := accConfig(`resource "berth_project" "p" {
  name        = "acc-team"
  description = "Team A's clusters"
  labels      = { cost-center = "42" }
}

resource "berth_token" "t" {
  project    = berth_project.p.name
  name       = "ci"
  role       = "member"
  expires_at = "2099-01-31T00:00:00Z"
}`)
	var tokenID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: accProviders,
		CheckDestroy: func(*terraform.State) error {
			if _, err := accAPI.GetProject(bg, "acc-team"); !client.IsNotFound(err) {
				return fmt.Errorf("project acc-team still exists (err %v)", err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(projectAddr, "id", "acc-team"),
					resource.TestCheckResourceAttr(projectAddr, "description", "Team A's clusters"),
					resource.TestCheckResourceAttr(projectAddr, "labels.cost-center", "42"),
					resource.TestMatchResourceAttr(projectAddr, "uid", regexp.MustCompile(`.+`)),
					resource.TestCheckResourceAttr(tokenAddr, "project", "acc-team"),
					resource.TestCheckResourceAttr(tokenAddr, "role", "member"),
					resource.TestCheckResourceAttr(tokenAddr, "expires_at", "2099-01-31T00:00:00Z"),
					resource.TestMatchResourceAttr(tokenAddr, "secret", regexp.MustCompile(`^berth_`)),
					func(s *terraform.State) error {
						attrs := s.RootModule().Resources[tokenAddr].Primary.Attributes
						tokenID = attrs["id"]
						if !strings.HasPrefix(attrs["secret"], attrs["prefix"]) || attrs["prefix"] == "" {
							return fmt.Errorf("prefix %q is not the start of the secret", attrs["prefix"])
						}
						member, err := client.New(client.Config{Endpoint: accServer.Endpoint, Token: attrs["secret"], CACertificatePEM: accServer.CAPEM})
						if err != nil {
							return err
						}
						// A member of acc-team creates there, and sees nothing of default (404, not 403).
						created, err := member.CreateCluster(bg, "acc-team", client.ClusterCreate{Name: "by-token"})
						if err != nil {
							return fmt.Errorf("the new member token cannot create a cluster in its project: %w", err)
						}
						if err := waitOperation(bg, member, created.Operation, defaultCreateTimeout); err != nil {
							return err
						}
						deleted, err := member.DeleteCluster(bg, "acc-team", "by-token")
						if err == nil {
							err = waitOperation(bg, member, deleted.Operation, defaultDeleteTimeout)
						}
						if err != nil {
							return err
						}
						if _, err := member.GetCluster(bg, "default", "acc-life"); !client.IsNotFound(err) {
							return fmt.Errorf("a token of acc-team must not see project default (err %v)", err)
						}
						return nil
					},
				),
			},
			{
				ResourceName:            tokenAddr,
				ImportState:             true,
				ImportStateIdFunc:       func(*terraform.State) (string, error) { return "acc-team/" + tokenID, nil },
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"secret"}, // shown once: an imported token has none
			},
			{
				ResourceName:      projectAddr,
				ImportState:       true,
				ImportStateId:     "acc-team",
				ImportStateVerify: true,
			},
			{
				PreConfig: func() {
					if err := accAPI.DeleteToken(bg, "acc-team", tokenID); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(projectAddr, plancheck.ResourceActionNoop),
				}},
				Check: func(s *terraform.State) error {
					if id := s.RootModule().Resources[tokenAddr].Primary.Attributes["id"]; id == tokenID {
						return fmt.Errorf("the revoked token %s is still in state", id)
					}
					return nil
				},
			},
			{
				Config: strings.Replace(config, `role       = "member"`, `role       = "viewer"`, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: resource.TestCheckResourceAttr(tokenAddr, "role", "viewer"),
			},
		},
	})
}

// TestAccDataSources: the catalogs, and an existing cluster read by name with every attribute
// the resource has.
func TestAccDataSources(t *testing.T) {
	requireAcc(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: accProviders,
		CheckDestroy:             clusterGone("acc-data"),
		Steps: []resource.TestStep{{
			Config: accConfig(`data "berth_kubernetes_versions" "all" {}
data "berth_flavors" "all" {}
data "berth_zones" "all" {}

resource "berth_kubernetes_cluster" "c" {
  name    = "acc-data"
  version = data.berth_kubernetes_versions.all.default_version
  zones   = slice(data.berth_zones.all.available, 0, 2)
  labels  = { read = "back" }
}

data "berth_kubernetes_cluster" "c" {
  name = berth_kubernetes_cluster.c.name
}`),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.berth_kubernetes_versions.all", "default_version", "1.37"),
				resource.TestCheckResourceAttr("data.berth_kubernetes_versions.all", "versions.0.version", "1.37"),
				resource.TestCheckResourceAttr("data.berth_kubernetes_versions.all", "versions.0.patch", "1.37.2"),
				resource.TestCheckResourceAttr("data.berth_kubernetes_versions.all", "versions.0.default", "true"),
				resource.TestCheckResourceAttr("data.berth_kubernetes_versions.all", "versions.0.end_of_support", "2027-10-28"),
				resource.TestCheckResourceAttr("data.berth_kubernetes_versions.all", "versions.0.upgrades_to.#", "0"),
				resource.TestCheckResourceAttr("data.berth_kubernetes_versions.all", "versions.1.upgrades_to.0", "1.37.2"),
				resource.TestCheckResourceAttr("data.berth_flavors.all", "flavors.0.name", "std-2-4"),
				resource.TestCheckResourceAttr("data.berth_flavors.all", "flavors.0.vcpus", "2"),
				resource.TestCheckResourceAttr("data.berth_flavors.all", "flavors.0.ram_mib", "4096"),
				resource.TestCheckTypeSetElemAttr("data.berth_flavors.all", "names.*", "std-4-8"),
				resource.TestCheckResourceAttr("data.berth_zones.all", "zones.0.name", "az1"),
				resource.TestCheckResourceAttr("data.berth_zones.all", "zones.0.available", "true"),
				resource.TestCheckResourceAttr(clusterAddr, "zones.1", "az2"),
				resource.TestCheckResourceAttrPair("data.berth_kubernetes_cluster.c", "id", clusterAddr, "id"),
				resource.TestCheckResourceAttrPair("data.berth_kubernetes_cluster.c", "uid", clusterAddr, "uid"),
				resource.TestCheckResourceAttrPair("data.berth_kubernetes_cluster.c", "endpoint", clusterAddr, "endpoint"),
				resource.TestCheckResourceAttrPair("data.berth_kubernetes_cluster.c", "zones.1", clusterAddr, "zones.1"),
				resource.TestCheckResourceAttrPair("data.berth_kubernetes_cluster.c", "network.pods_cidr", clusterAddr, "network.pods_cidr"),
				resource.TestCheckResourceAttrPair("data.berth_kubernetes_cluster.c", "control_plane.flavor", clusterAddr, "control_plane.flavor"),
				resource.TestCheckResourceAttr("data.berth_kubernetes_cluster.c", "labels.read", "back"),
				resource.TestCheckResourceAttr("data.berth_kubernetes_cluster.c", "project", "default"),
				resource.TestCheckResourceAttr("data.berth_kubernetes_cluster.c", "status", "Running"),
			),
		}},
	})
}
