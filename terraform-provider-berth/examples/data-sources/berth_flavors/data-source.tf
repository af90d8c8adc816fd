data "berth_flavors" "all" {}

output "flavors" {
  value = { for f in data.berth_flavors.all.flavors : f.name => "${f.vcpus} vCPU, ${f.ram_mib} MiB" }
}
