/** Objects the end-to-end tests create in a cluster: a tolerating Deployment and its PodDisruptionBudget. */
export interface PodView {
  spec: { nodeName?: string };
  status: { phase?: string; podIP?: string };
}

export function deployment() {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          tolerations: [
            { key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' },
          ],
          containers: [{ name: 'web', image: 'registry.invalid/web:1' }],
        },
      },
    },
  };
}

export function pdb() {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'web', namespace: 'default' },
    spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } },
  };
}
