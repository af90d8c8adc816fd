package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"berth.dev/terraform-provider-berth/internal/client"
)

// apiDo runs a change through the API (as the console or the CLI would) and waits for its
// operation, failing the test when it cannot.
func apiDo[T any](t *testing.T, what string, call func() (client.Accepted[T], error)) {
	t.Helper()
	accepted, err := call()
	if err == nil {
		err = waitOperation(bg, accAPI, accepted.Operation, 2*time.Minute)
	}
	if err != nil {
		t.Fatalf("%s through the API: %v", what, err)
	}
}

// TestAccDrift: changes made through the API show up in the next plan, and applying it puts
// things back; objects deleted through the API are planned for creation.
func TestAccDrift(t *testing.T) {
	requireAcc(t)
	config := accConfig(`resource "berth_kubernetes_cluster" "c" {
  name   = "acc-drift"
  labels = { owner = "terraform" }
}

resource "berth_kubernetes_node_group" "g" {
  cluster_id = berth_kubernetes_cluster.c.id
  name       = "workers"
  node_count = 2
}`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: accProviders,
		CheckDestroy:             clusterGone("acc-drift"),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					apiDo(t, "label the cluster", func() (client.Accepted[client.Cluster], error) {
						return accAPI.PatchCluster(bg, "default", "acc-drift", map[string]any{
							"metadata": map[string]any{"labels": map[string]any{"owner": "console", "extra": "x"}},
							"spec":     map[string]any{"apiAccess": map[string]any{"allowedCidrs": []string{"203.0.113.0/24"}}},
						})
					})
					apiDo(t, "scale the node group", func() (client.Accepted[client.NodeGroup], error) {
						return accAPI.PatchNodeGroup(bg, "default", "acc-drift", "workers", map[string]any{"spec": map[string]any{"count": 4, "flavor": "std-4-8"}})
					})
					apiDo(t, "stop the cluster", func() (client.Accepted[client.Cluster], error) {
						return accAPI.ClusterAction(bg, "default", "acc-drift", "stop", nil)
					})
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(clusterAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					apiCluster("acc-drift", func(c *client.Cluster) error {
						if c.Metadata.Labels["owner"] != "terraform" || len(c.Metadata.Labels) != 1 ||
							len(c.Spec.APIAccess.AllowedCIDRs) != 0 || c.Spec.Stopped || c.Status.Phase != "Running" {
							return fmt.Errorf("not put back: labels %v, apiAccess %+v, stopped %v, phase %s",
								c.Metadata.Labels, c.Spec.APIAccess, c.Spec.Stopped, c.Status.Phase)
						}
						return nil
					}),
					apiNodeGroup("acc-drift", "workers", func(ng *client.NodeGroup) error {
						if ng.Spec.Count != 2 || ng.Spec.Flavor != "std-2-4" {
							return fmt.Errorf("not put back: %+v", ng.Spec)
						}
						return nil
					}),
				),
			},
			{
				PreConfig: func() {
					apiDo(t, "delete the node group", func() (client.Accepted[client.NodeGroup], error) {
						return accAPI.DeleteNodeGroup(bg, "default", "acc-drift", "workers")
					})
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(clusterAddr, plancheck.ResourceActionNoop),
				}},
			},
			{
				PreConfig: func() {
					apiDo(t, "delete the cluster", func() (client.Accepted[client.Cluster], error) {
						return accAPI.DeleteCluster(bg, "default", "acc-drift")
					})
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(clusterAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}
