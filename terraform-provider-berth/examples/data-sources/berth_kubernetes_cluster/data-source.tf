# A cluster made elsewhere (console, CLI, another configuration), and the kubernetes and helm
# providers configured from its admin kubeconfig.
data "berth_kubernetes_cluster" "demo" {
  name = "demo"
}

provider "kubernetes" {
  host                   = data.berth_kubernetes_cluster.demo.kubernetes.host
  cluster_ca_certificate = data.berth_kubernetes_cluster.demo.kubernetes.cluster_ca_certificate
  client_certificate     = data.berth_kubernetes_cluster.demo.kubernetes.client_certificate
  client_key             = data.berth_kubernetes_cluster.demo.kubernetes.client_key
}

provider "helm" {
  kubernetes = {
    host                   = data.berth_kubernetes_cluster.demo.kubernetes.host
    cluster_ca_certificate = data.berth_kubernetes_cluster.demo.kubernetes.cluster_ca_certificate
    client_certificate     = data.berth_kubernetes_cluster.demo.kubernetes.client_certificate
    client_key             = data.berth_kubernetes_cluster.demo.kubernetes.client_key
  }
}

resource "kubernetes_namespace" "apps" {
  metadata {
    name = "apps"
  }
}
