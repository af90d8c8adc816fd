# A cluster with two node groups and its kubeconfig: `tofu apply` against the Berth that
# scripts/up started. See ../README.md.

terraform {
  required_providers {
    berth = {
      source  = "berth/berth"
      version = "~> 0.1"
    }
  }
}

# Endpoint, token and project come from the environment (BERTH_ENDPOINT, BERTH_TOKEN,
# BERTH_PROJECT) or the file `berth login` wrote: after scripts/up,
# `export BERTH_CONFIG=~/.berth/cli.yaml`.
provider "berth" {}

variable "name" {
  description = "Cluster name."
  type        = string
  default     = "tf-demo"
}

resource "berth_kubernetes_cluster" "demo" {
  name   = var.name
  labels = { managed-by = "terraform" }
}

resource "berth_kubernetes_node_group" "web" {
  cluster_id = berth_kubernetes_cluster.demo.id
  name       = "web"
  node_count = 2
  labels     = { tier = "web" }
}

resource "berth_kubernetes_node_group" "batch" {
  cluster_id = berth_kubernetes_cluster.demo.id
  name       = "batch"
  node_count = 1
  taints     = [{ key = "dedicated", value = "batch", effect = "NoSchedule" }]
}

output "endpoint" {
  value = berth_kubernetes_cluster.demo.endpoint
}

# tofu output -raw kubeconfig > demo.kubeconfig && KUBECONFIG=demo.kubeconfig kubectl get nodes
output "kubeconfig" {
  value     = berth_kubernetes_cluster.demo.kubeconfig
  sensitive = true
}
