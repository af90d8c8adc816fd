data "berth_kubernetes_versions" "all" {}

resource "berth_kubernetes_cluster" "latest" {
  name    = "latest"
  version = data.berth_kubernetes_versions.all.default_version
}
