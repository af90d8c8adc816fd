# <project>/<cluster>/<node group>, or <cluster>/<node group> in the provider's project
tofu import berth_kubernetes_node_group.batch default/demo/batch
