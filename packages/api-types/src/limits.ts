/** Product limits from the seeds; the validators and docs read them from here. */
export const LIMITS = {
  /** Masters run stacked etcd, so only odd quorum sizes. */
  controlPlaneCounts: [1, 3, 5] as const,
  maxNodesPerGroup: 500,
  maxNodeGroupsPerCluster: 50,
  maxZonesPerCluster: 8,
  maxAddonsPerCluster: 32,
  maxAllowedCidrs: 64,
  minVolumeGb: 10,
  maxVolumeGb: 4096,
  /** Smallest tenant subnet that still fits masters, workers and load balancer ports. */
  maxSubnetPrefix: 28,
  /** Pods need at least a /24 per node; a /20 is the smallest useful pod range. */
  maxPodsPrefix: 20,
  maxServicesPrefix: 24,
} as const;
