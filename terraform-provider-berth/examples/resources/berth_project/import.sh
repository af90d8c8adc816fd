tofu import berth_project.team_a team-a
