# The smallest cluster: every other attribute takes the API's default.
resource "berth_kubernetes_cluster" "small" {
  name = "demo"
}

# Everything spelled out.
resource "berth_kubernetes_cluster" "prod" {
  name    = "prod"
  project = "team-a"
  version = "1.34"

  control_plane = {
    count  = 3
    flavor = "std-4-8"
  }
  zones = ["az1", "az2", "az3"]

  network = {
    subnet_cidr   = "10.10.0.0/24"
    pods_cidr     = "10.110.0.0/16"
    services_cidr = "10.210.0.0/16"
  }

  api_access = {
    public        = true
    allowed_cidrs = ["203.0.113.0/24"]
  }

  labels  = { env = "prod" }
  stopped = false

  timeouts {
    create = "45m"
    update = "2h"
  }
}
