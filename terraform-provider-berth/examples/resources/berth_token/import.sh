# <project>/<token id>; an imported token's secret stays null (Berth shows it only once)
tofu import berth_token.ci team-a/tok-4c1d
