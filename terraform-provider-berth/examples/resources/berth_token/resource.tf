resource "berth_token" "ci" {
  project    = "team-a"
  name       = "ci"
  role       = "member"
  expires_at = "2030-01-31T00:00:00Z"
}

# Shown once by Berth, kept (sensitive) in state.
output "ci_token" {
  value     = berth_token.ci.secret
  sensitive = true
}
