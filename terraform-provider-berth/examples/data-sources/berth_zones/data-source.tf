data "berth_zones" "all" {}

# Masters spread over the first three available zones.
resource "berth_kubernetes_cluster" "ha" {
  name          = "ha"
  control_plane = { count = 3 }
  zones         = slice(data.berth_zones.all.available, 0, 3)
}
