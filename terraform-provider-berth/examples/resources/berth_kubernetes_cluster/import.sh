# <project>/<cluster>, or <cluster> in the provider's project
tofu import berth_kubernetes_cluster.prod team-a/prod
