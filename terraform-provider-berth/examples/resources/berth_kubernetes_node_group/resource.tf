resource "berth_kubernetes_cluster" "demo" {
  name = "demo"
}

# Defaults: 3 nodes of std-2-4 in the cluster's first zone.
resource "berth_kubernetes_node_group" "default" {
  cluster_id = berth_kubernetes_cluster.demo.id
  name       = "default"
}

resource "berth_kubernetes_node_group" "batch" {
  cluster_id      = berth_kubernetes_cluster.demo.id
  name            = "batch"
  flavor          = "std-4-8"
  zone            = "az1"
  max_unavailable = "1"
  labels          = { workload = "batch" }
  taints          = [{ key = "dedicated", value = "batch", effect = "NoSchedule" }]

  # The cluster autoscaler sets node_count within [min, max]; leave node_count unset.
  autoscaling = {
    min = 1
    max = 10
  }

  volume = {
    type    = "ssd"
    size_gb = 40
  }
}

# Simulated (kwok) nodes for scale tests: Node objects and pod status, no containers.
# The runtime is fixed at create; unset, it is the API's default (real containerd nodes).
resource "berth_kubernetes_node_group" "scale" {
  cluster_id = berth_kubernetes_cluster.demo.id
  name       = "scale"
  node_count = 200
  runtime    = "simulated"
}
