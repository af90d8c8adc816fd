package provider

import (
	"errors"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"berth.dev/terraform-provider-berth/internal/client"
)

const groupAddr = "berth_kubernetes_node_group.g"

func apiNodeGroup(cluster, name string, check func(*client.NodeGroup) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ng, err := accAPI.GetNodeGroup(bg, client.DefaultProject, cluster, name)
		if err != nil {
			return err
		}
		return check(ng)
	}
}

func groupUID(into *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		*into = s.RootModule().Resources[groupAddr].Primary.Attributes["uid"]
		return nil
	}
}

func clusterAndGroup(cluster, group string) string {
	return accConfig(cluster + "\n" + group)
}

// TestAccNodeGroupLifecycle: defaults, changes in place (count, labels, taints, max
// unavailable), a zone change that replaces, import, and a cluster replacement that replaces
// its node groups with it.
func TestAccNodeGroupLifecycle(t *testing.T) {
	requireAcc(t)
	cluster := `resource "berth_kubernetes_cluster" "c" {
  name  = "acc-ng"
  zones = ["az1", "az2"]
}`
	var uid1, uid2, uid3 string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: accProviders,
		CheckDestroy:             clusterGone("acc-ng"),
		Steps: []resource.TestStep{
			{
				Config: clusterAndGroup(cluster, `resource "berth_kubernetes_node_group" "g" {
  cluster_id = berth_kubernetes_cluster.c.id
  name       = "workers"
}`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(groupAddr, "id", "default/acc-ng/workers"),
					resource.TestCheckResourceAttr(groupAddr, "cluster_id", "default/acc-ng"),
					resource.TestCheckResourceAttr(groupAddr, "project", "default"),
					resource.TestCheckResourceAttr(groupAddr, "cluster", "acc-ng"),
					resource.TestCheckResourceAttr(groupAddr, "node_count", "3"),
					resource.TestCheckResourceAttr(groupAddr, "flavor", "std-2-4"),
					resource.TestCheckResourceAttr(groupAddr, "zone", "az1"), // the cluster's first zone
					resource.TestCheckResourceAttr(groupAddr, "max_unavailable", "25%"),
					resource.TestCheckResourceAttr(groupAddr, "volume.type", "ssd"),
					resource.TestCheckResourceAttr(groupAddr, "volume.size_gb", "20"),
					resource.TestCheckResourceAttr(groupAddr, "runtime", "containerd"), // the API's default
					resource.TestCheckNoResourceAttr(groupAddr, "autoscaling"),
					resource.TestCheckResourceAttr(groupAddr, "status", "Running"),
					resource.TestCheckResourceAttr(groupAddr, "servers", "3"),
					apiCluster("acc-ng", func(c *client.Cluster) error {
						if c.Status.Phase != "Running" {
							return fmt.Errorf("cluster phase %s", c.Status.Phase)
						}
						return nil
					}),
					groupUID(&uid1),
				),
			},
			{
				Config: clusterAndGroup(cluster, `resource "berth_kubernetes_node_group" "g" {
  cluster_id      = berth_kubernetes_cluster.c.id
  name            = "workers"
  node_count      = 5
  max_unavailable = "1"
  labels          = { tier = "web" }
  taints = [
    { key = "dedicated", value = "web", effect = "NoSchedule" },
    { key = "spot", effect = "PreferNoSchedule" },
  ]
}`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(clusterAddr, plancheck.ResourceActionNoop),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(groupAddr, "node_count", "5"),
					resource.TestCheckResourceAttr(groupAddr, "servers", "5"),
					resource.TestCheckResourceAttr(groupAddr, "labels.tier", "web"),
					resource.TestCheckResourceAttr(groupAddr, "taints.#", "2"),
					resource.TestCheckResourceAttr(groupAddr, "taints.1.value", ""),
					apiNodeGroup("acc-ng", "workers", func(ng *client.NodeGroup) error {
						s := ng.Spec
						if s.Count != 5 || s.MaxUnavailable != "1" || s.Labels["tier"] != "web" || len(s.Taints) != 2 || s.Taints[0].Effect != "NoSchedule" {
							return fmt.Errorf("API spec %+v", s)
						}
						return nil
					}),
					groupUID(&uid2),
					func(*terraform.State) error {
						if uid1 != uid2 {
							return errors.New("node group was replaced; it should have changed in place")
						}
						return nil
					},
				),
			},
			{
				Config: clusterAndGroup(cluster, `resource "berth_kubernetes_node_group" "g" {
  cluster_id = berth_kubernetes_cluster.c.id
  name       = "workers"
  zone       = "az2"
}`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(groupAddr, "zone", "az2"),
					resource.TestCheckResourceAttr(groupAddr, "node_count", "3"),
					resource.TestCheckResourceAttr(groupAddr, "labels.%", "0"),
					groupUID(&uid3),
					func(*terraform.State) error {
						if uid3 == uid2 {
							return errors.New("a zone change must replace the node group")
						}
						return nil
					},
				),
			},
			{
				ResourceName:            groupAddr,
				ImportState:             true,
				ImportStateId:           "default/acc-ng/workers",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				ResourceName:      groupAddr,
				ImportState:       true,
				ImportStateId:     "acc-ng/workers",
				ImportStateVerify: true,
			},
			{
				// Replacing the cluster (zones are immutable) replaces its node groups with it, in
				// one apply: the cluster's id is unknown until the new cluster exists.
				Config: clusterAndGroup(`resource "berth_kubernetes_cluster" "c" {
  name  = "acc-ng"
  zones = ["az2", "az3"]
}`, `resource "berth_kubernetes_node_group" "g" {
  cluster_id = berth_kubernetes_cluster.c.id
  name       = "workers"
  zone       = "az2"
}`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(clusterAddr, plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(clusterAddr, "zones.0", "az2"),
					resource.TestCheckResourceAttr(groupAddr, "status", "Running"),
					apiNodeGroup("acc-ng", "workers", func(ng *client.NodeGroup) error {
						if ng.Status.Phase != "Running" {
							return fmt.Errorf("node group phase %s", ng.Status.Phase)
						}
						return nil
					}),
				),
			},
		},
	})
}

// serverRefusesNodeGroupSpec reports whether this Berth answers 501 to a node group spec (a
// feature that has not landed); the provider must then name the attribute. It asks on a
// scratch cluster, through the API, and cleans up.
func serverRefusesNodeGroupSpec(t *testing.T, spec client.NodeGroupSpecInput) bool {
	t.Helper()
	name := fmt.Sprintf("probe-%d", time.Now().UnixNano()%1_000_000)
	created, err := accAPI.CreateCluster(bg, client.DefaultProject, client.ClusterCreate{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if del, err := accAPI.DeleteCluster(bg, client.DefaultProject, name); err == nil {
			_ = waitOperation(bg, accAPI, del.Operation, time.Minute)
		}
	}()
	if err := waitOperation(bg, accAPI, created.Operation, time.Minute); err != nil {
		t.Fatal(err)
	}
	_, err = accAPI.CreateNodeGroup(bg, client.DefaultProject, name, "probe", spec)
	if client.HasCode(err, client.CodeNotImplemented) {
		return true
	}
	if err != nil {
		t.Fatalf("probing node group spec %+v: %v", spec, err)
	}
	return false
}

// TestAccNodeGroupAutoscaling: with autoscaling and no node_count, the count starts within the
// bounds and follows them; turning autoscaling off returns to the default. On a server that
// refuses autoscaling (501), the diagnostic names the attribute.
func TestAccNodeGroupAutoscaling(t *testing.T) {
	requireAcc(t)
	cluster := `resource "berth_kubernetes_cluster" "c" { name = "acc-scale" }`
	group := func(body string) string {
		return clusterAndGroup(cluster, `resource "berth_kubernetes_node_group" "g" {
  cluster_id = berth_kubernetes_cluster.c.id
  name       = "auto"
`+body+`
}`)
	}
	if serverRefusesNodeGroupSpec(t, client.NodeGroupSpecInput{Autoscaling: &client.Autoscaling{Enabled: true, Min: 1, Max: 5}}) {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: accProviders,
			Steps: []resource.TestStep{{
				Config:      group(`autoscaling = { min = 4, max = 6 }`),
				ExpectError: regexp.MustCompile(`(?s)not implemented by this Berth server.*autoscaling`),
			}},
		})
		return
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: accProviders,
		CheckDestroy:             clusterGone("acc-scale"),
		Steps: []resource.TestStep{
			{
				Config: group(`autoscaling = { min = 4, max = 6 }`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(groupAddr, "autoscaling.min", "4"),
					resource.TestCheckResourceAttr(groupAddr, "autoscaling.max", "6"),
					resource.TestCheckResourceAttr(groupAddr, "node_count", "4"), // 3 brought within [4, 6]
					apiNodeGroup("acc-scale", "auto", func(ng *client.NodeGroup) error {
						if a := ng.Spec.Autoscaling; !a.Enabled || a.Min != 4 || a.Max != 6 || ng.Spec.Count != 4 {
							return fmt.Errorf("API spec %+v", ng.Spec)
						}
						return nil
					}),
				),
			},
			{
				// The count moved under autoscaling (as the autoscaler moves it: the API refuses a
				// manual count while autoscaling is on, so off, count, on): Terraform keeps it.
				PreConfig: func() {
					for _, spec := range []map[string]any{
						{"autoscaling": map[string]any{"enabled": false}},
						{"count": 6},
						{"autoscaling": map[string]any{"enabled": true}},
					} {
						if _, err := accAPI.PatchNodeGroup(bg, client.DefaultProject, "acc-scale", "auto", map[string]any{"spec": spec}); err != nil {
							t.Fatal(err)
						}
					}
				},
				Config:   group(`autoscaling = { min = 4, max = 6 }`),
				PlanOnly: true,
			},
			{
				Config: group(`autoscaling = { min = 1, max = 5 }`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(groupAddr, "node_count", "5"), // 6 brought within [1, 5]
					resource.TestCheckResourceAttr(groupAddr, "autoscaling.max", "5"),
				),
			},
			{
				Config: group(``),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckNoResourceAttr(groupAddr, "autoscaling"),
					resource.TestCheckResourceAttr(groupAddr, "node_count", "3"),
					apiNodeGroup("acc-scale", "auto", func(ng *client.NodeGroup) error {
						if ng.Spec.Autoscaling.Enabled || ng.Spec.Count != 3 {
							return fmt.Errorf("API spec %+v", ng.Spec)
						}
						return nil
					}),
				),
			},
		},
	})
}

// TestAccNodeGroupVolume: a non-default root volume is sent and stored (the API no longer
// refuses it: it is each real node's root disk).
func TestAccNodeGroupVolume(t *testing.T) {
	requireAcc(t)
	config := clusterAndGroup(`resource "berth_kubernetes_cluster" "c" { name = "acc-vol" }`, `resource "berth_kubernetes_node_group" "g" {
  cluster_id = berth_kubernetes_cluster.c.id
  name       = "disks"
  node_count = 1
  volume     = { type = "hdd", size_gb = 40 }
}`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: accProviders,
		CheckDestroy:             clusterGone("acc-vol"),
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(groupAddr, "volume.type", "hdd"),
				resource.TestCheckResourceAttr(groupAddr, "volume.size_gb", "40"),
				apiNodeGroup("acc-vol", "disks", func(ng *client.NodeGroup) error {
					if ng.Spec.Volume != (client.Volume{Type: "hdd", SizeGB: 40}) {
						return fmt.Errorf("API volume %+v", ng.Spec.Volume)
					}
					return nil
				}),
			),
		}},
	})
}

// TestAccNodeGroupRuntime: a set runtime is sent and stored; changing it replaces the group;
// leaving it out afterwards keeps the group's runtime (no diff).
func TestAccNodeGroupRuntime(t *testing.T) {
	requireAcc(t)
	group := func(body string) string {
		return clusterAndGroup(`resource "berth_kubernetes_cluster" "c" { name = "acc-runtime" }`, `resource "berth_kubernetes_node_group" "g" {
  cluster_id = berth_kubernetes_cluster.c.id
  name       = "nodes"
  node_count = 1
`+body+`
}`)
	}
	runtimeIs := func(want string) resource.TestCheckFunc {
		return resource.ComposeAggregateTestCheckFunc(
			resource.TestCheckResourceAttr(groupAddr, "runtime", want),
			apiNodeGroup("acc-runtime", "nodes", func(ng *client.NodeGroup) error {
				if ng.Spec.Runtime != want {
					return fmt.Errorf("API runtime %q, want %q", ng.Spec.Runtime, want)
				}
				return nil
			}),
		)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: accProviders,
		CheckDestroy:             clusterGone("acc-runtime"),
		Steps: []resource.TestStep{
			{Config: group(`runtime = "simulated"`), Check: runtimeIs("simulated")},
			{
				Config: group(`runtime = "containerd"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: runtimeIs("containerd"),
			},
			{Config: group(``), PlanOnly: true},
		},
	})
}
