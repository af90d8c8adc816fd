terraform {
  required_providers {
    berth = {
      source = "berth/berth"
    }
  }
}

# Every setting may be left out: each comes from the first of this block, the environment
# (BERTH_ENDPOINT, BERTH_TOKEN, BERTH_PROJECT) and the `berth` CLI's config file.
provider "berth" {
  endpoint = "https://berth.example.com"
  token    = var.berth_token # or BERTH_TOKEN
  project  = "team-a"

  # For an https endpoint whose certificate a private CA signed:
  ca_certificate = file("berth-ca.pem")
}

variable "berth_token" {
  type      = string
  sensitive = true
}
