package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"berth.dev/terraform-provider-berth/internal/client"
)

const clusterAddr = "berth_kubernetes_cluster.c"

// uidOf remembers a cluster's uid in one step and compares it in a later one: same uid means
// changed in place, another uid means replaced.
type uidTracker struct{ uid string }

func (u *uidTracker) remember(s *terraform.State) error {
	u.uid = s.RootModule().Resources[clusterAddr].Primary.Attributes["uid"]
	return nil
}

func (u *uidTracker) same(s *terraform.State) error {
	if got := s.RootModule().Resources[clusterAddr].Primary.Attributes["uid"]; got != u.uid {
		return fmt.Errorf("cluster was replaced (uid %s → %s); it should have changed in place", u.uid, got)
	}
	return nil
}

func (u *uidTracker) replaced(s *terraform.State) error {
	if got := s.RootModule().Resources[clusterAddr].Primary.Attributes["uid"]; got == u.uid {
		return fmt.Errorf("cluster kept uid %s; it should have been replaced", got)
	}
	return nil
}

// apiCluster checks the cluster as Berth's API has it, not as Terraform remembers it.
func apiCluster(name string, check func(*client.Cluster) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		c, err := accAPI.GetCluster(bg, client.DefaultProject, name)
		if err != nil {
			return err
		}
		return check(c)
	}
}

func clusterGone(name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		_, err := accAPI.GetCluster(bg, client.DefaultProject, name)
		if client.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("cluster %s still exists after destroy (err %v)", name, err)
	}
}

// TestAccClusterLifecycle: the smallest valid cluster, changes in place (labels, API access,
// stop/start), a change that replaces, import, destroy.
func TestAccClusterLifecycle(t *testing.T) {
	requireAcc(t)
	const name = "acc-life"
	var uid uidTracker
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: accProviders,
		CheckDestroy:             clusterGone(name),
		Steps: []resource.TestStep{
			{
				Config: accConfig(`resource "berth_kubernetes_cluster" "c" { name = "acc-life" }`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(clusterAddr, "id", "default/acc-life"),
					resource.TestCheckResourceAttr(clusterAddr, "project", "default"),
					resource.TestCheckResourceAttr(clusterAddr, "version", "1.37"),
					resource.TestMatchResourceAttr(clusterAddr, "current_version", regexp.MustCompile(`^1\.37(\.\d+)?$`)),
					resource.TestCheckResourceAttr(clusterAddr, "control_plane.count", "1"),
					resource.TestCheckResourceAttr(clusterAddr, "control_plane.flavor", "std-2-4"),
					resource.TestCheckResourceAttr(clusterAddr, "zones.#", "1"),
					resource.TestCheckResourceAttr(clusterAddr, "zones.0", "az1"),
					resource.TestCheckResourceAttr(clusterAddr, "network.subnet_cidr", "10.0.0.0/24"),
					resource.TestCheckResourceAttr(clusterAddr, "network.pods_cidr", "10.100.0.0/16"),
					resource.TestCheckResourceAttr(clusterAddr, "network.services_cidr", "10.254.0.0/16"),
					resource.TestCheckResourceAttr(clusterAddr, "api_access.public", "true"),
					resource.TestCheckResourceAttr(clusterAddr, "api_access.allowed_cidrs.#", "0"),
					resource.TestCheckResourceAttr(clusterAddr, "stopped", "false"),
					resource.TestCheckResourceAttr(clusterAddr, "status", "Running"),
					resource.TestMatchResourceAttr(clusterAddr, "endpoint", regexp.MustCompile(`^https://.+:6443$`)),
					resource.TestMatchResourceAttr(clusterAddr, "uid", regexp.MustCompile(`.+`)),
					// The memory provider runs no Kubernetes: the API answers 501 for the kubeconfig.
					resource.TestCheckNoResourceAttr(clusterAddr, "kubeconfig"),
					apiCluster(name, func(c *client.Cluster) error {
						if c.Spec.Version != "1.37" || c.Spec.ControlPlane.Count != 1 {
							return fmt.Errorf("API spec %+v", c.Spec)
						}
						return nil
					}),
					uid.remember,
				),
			},
			{
				Config: accConfig(`resource "berth_kubernetes_cluster" "c" {
  name   = "acc-life"
  labels = { team = "a" }
  api_access = {
    allowed_cidrs = ["192.0.2.0/24"]
  }
}`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(clusterAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(clusterAddr, "labels.team", "a"),
					resource.TestCheckResourceAttr(clusterAddr, "api_access.allowed_cidrs.0", "192.0.2.0/24"),
					resource.TestCheckResourceAttr(clusterAddr, "api_access.public", "true"),
					apiCluster(name, func(c *client.Cluster) error {
						if c.Metadata.Labels["team"] != "a" || len(c.Spec.APIAccess.AllowedCIDRs) != 1 {
							return fmt.Errorf("API has labels %v, apiAccess %+v", c.Metadata.Labels, c.Spec.APIAccess)
						}
						return nil
					}),
					uid.same,
				),
			},
			{
				Config: accConfig(`resource "berth_kubernetes_cluster" "c" {
  name    = "acc-life"
  stopped = true
}`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(clusterAddr, "stopped", "true"),
					resource.TestCheckResourceAttr(clusterAddr, "status", "Stopped"),
					resource.TestCheckResourceAttr(clusterAddr, "labels.%", "0"),
					apiCluster(name, func(c *client.Cluster) error {
						if !c.Spec.Stopped || c.Status.Phase != "Stopped" || len(c.Metadata.Labels) != 0 {
							return fmt.Errorf("API: stopped %v, phase %s, labels %v", c.Spec.Stopped, c.Status.Phase, c.Metadata.Labels)
						}
						return nil
					}),
					uid.same,
				),
			},
			{
				Config: accConfig(`resource "berth_kubernetes_cluster" "c" { name = "acc-life" }`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(clusterAddr, "status", "Running"),
					apiCluster(name, func(c *client.Cluster) error {
						if c.Spec.Stopped || c.Status.Phase != "Running" {
							return fmt.Errorf("API: stopped %v, phase %s", c.Spec.Stopped, c.Status.Phase)
						}
						return nil
					}),
					uid.same,
				),
			},
			{
				Config: accConfig(`resource "berth_kubernetes_cluster" "c" {
  name          = "acc-life"
  control_plane = { count = 3 }
  zones         = ["az1", "az2"]
}`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(clusterAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(clusterAddr, "control_plane.count", "3"),
					resource.TestCheckResourceAttr(clusterAddr, "zones.1", "az2"),
					resource.TestCheckResourceAttr(clusterAddr, "status", "Running"),
					uid.replaced,
				),
			},
			{
				ResourceName:            clusterAddr,
				ImportState:             true,
				ImportStateId:           "default/acc-life",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				// The short import id: a name in the provider's project.
				ResourceName:      clusterAddr,
				ImportState:       true,
				ImportStateId:     "acc-life",
				ImportStateVerify: true,
			},
		},
	})
}
