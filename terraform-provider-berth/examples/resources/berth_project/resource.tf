# Needs a platform-wide admin token (BERTH_ADMIN_TOKEN's, or one made by it).
resource "berth_project" "team_a" {
  name        = "team-a"
  description = "Team A's clusters"
  labels      = { cost-center = "42" }
}
